#include "api/sse_or_body.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace llmload {
namespace {

// Feeds `reads` and returns the data of every event dispatched.
std::vector<std::string> Feed(SseOrBody& framing, const std::vector<std::string>& reads) {
  std::vector<std::string> events;
  for (const std::string& r : reads) {
    EXPECT_TRUE(framing.Feed(r, [&](absl::string_view /*event_type*/, absl::string_view data) {
      events.emplace_back(data);
    }));
  }
  return events;
}

TEST(SseOrBodyTest, StreamedEventsAreDispatchedAsTheyComplete) {
  SseOrBody framing(/*stream=*/true, 1024);
  EXPECT_TRUE(framing.streaming());
  EXPECT_EQ(Feed(framing, {"data: {\"a\"", ":1}\n\ndata: [DONE]\n\n"}),
            (std::vector<std::string>{"{\"a\":1}", "[DONE]"}));
  EXPECT_FALSE(framing.is_body());
  EXPECT_EQ(framing.Finish(), FramingEnd::kClean);
}

TEST(SseOrBodyTest, ACutOffOrOversizedEventIsTheStreamsEnd) {
  SseOrBody framing(/*stream=*/true, 16);
  EXPECT_TRUE(Feed(framing, {"data: x\n\ndata: y"}) == std::vector<std::string>{"x"});
  EXPECT_EQ(framing.Finish(), FramingEnd::kPartialEvent);
  framing.Reset();
  EXPECT_FALSE(framing.Feed("data: " + std::string(64, 'z'), [](auto, auto) {}));
  EXPECT_EQ(framing.Finish(), FramingEnd::kTooLarge);
  framing.Reset();
  EXPECT_EQ(framing.Finish(), FramingEnd::kClean);
}

TEST(SseOrBodyTest, ANonStreamedBodyIsKeptWholeUpToTheCap) {
  SseOrBody framing(/*stream=*/false, 16);
  EXPECT_FALSE(framing.streaming());
  EXPECT_TRUE(Feed(framing, {"data: {", "\"a\":1}\n\n"}).empty());  // not SSE: bytes of a body
  EXPECT_TRUE(framing.is_body());
  EXPECT_EQ(framing.Finish(), FramingEnd::kClean);
  EXPECT_EQ(framing.body(), "data: {\"a\":1}\n\n");
  framing.Reset();
  EXPECT_TRUE(framing.body().empty());
  EXPECT_FALSE(framing.Feed(std::string(17, 'b'), [](auto, auto) {}));
  EXPECT_EQ(framing.Finish(), FramingEnd::kTooLarge);
}

TEST(SseOrBodyTest, AStreamedRequestMayBeAnsweredWithOneJsonBody) {
  for (const std::string lead : {"", " \r\n"}) {
    SseOrBody framing(/*stream=*/true, 1024, /*json_body_when_streamed=*/true);
    // Leading whitespace decides nothing, whether alone in its read or not.
    EXPECT_TRUE(Feed(framing, {lead, lead + "{\"error_code\":", "18}"}).empty());
    EXPECT_TRUE(framing.is_body());
    EXPECT_EQ(framing.Finish(), FramingEnd::kClean);
    EXPECT_EQ(framing.body(), "{\"error_code\":18}");

    framing.Reset();  // the next response decides again
    EXPECT_FALSE(framing.is_body());
    EXPECT_EQ(Feed(framing, {lead, "data: {\"result\":\"x\"}\n\n"}),
              std::vector<std::string>{"{\"result\":\"x\"}"});
    EXPECT_FALSE(framing.is_body());
    EXPECT_EQ(framing.Finish(), FramingEnd::kClean);
  }
  // Without the option, a body starting with '{' is SSE without a data line: nothing.
  SseOrBody sse_only(/*stream=*/true, 1024);
  EXPECT_TRUE(Feed(sse_only, {"{\"error_code\":18}\n\n"}).empty());
  EXPECT_FALSE(sse_only.is_body());
}

TEST(SseOrBodyTest, ContentTypes) {
  const SseOrBody sse(/*stream=*/true, 1024);
  EXPECT_TRUE(sse.AcceptsContentType("text/event-stream; charset=utf-8"));
  EXPECT_FALSE(sse.AcceptsContentType("application/json"));
  const SseOrBody sse_or_json(/*stream=*/true, 1024, /*json_body_when_streamed=*/true);
  EXPECT_TRUE(sse_or_json.AcceptsContentType("text/event-stream"));
  EXPECT_TRUE(sse_or_json.AcceptsContentType("application/json; charset=utf-8"));
  EXPECT_FALSE(sse_or_json.AcceptsContentType("text/html"));
}

}  // namespace
}  // namespace llmload
