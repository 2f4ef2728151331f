#include "api/sse_parser.h"

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/openai_stream_fixture.h"

namespace llmload {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Event = std::pair<std::string, std::string>;  // (type, data)

// Feeds `pieces` in order and collects the events; returns the status of the last Feed.
struct Collected {
  std::vector<Event> events;
  absl::Status status;
  SseParser::End end;
};

Collected Parse(SseParser& parser, const std::vector<absl::string_view>& pieces) {
  Collected c;
  for (absl::string_view piece : pieces) {
    c.status = parser.Feed(piece, [&](absl::string_view type, absl::string_view data) {
      c.events.emplace_back(std::string(type), std::string(data));
    });
  }
  c.end = parser.Finish();
  return c;
}

Collected Parse(const std::vector<absl::string_view>& pieces) {
  SseParser parser;
  return Parse(parser, pieces);
}

std::vector<Event> ExpectedEvents(const std::vector<std::string>& payloads) {
  std::vector<Event> out;
  for (const auto& p : payloads) out.emplace_back("message", p);
  return out;
}

TEST(SseParserTest, RealisticStreamInOneRead) {
  const auto payloads = testing::ChatStreamPayloads(20);
  const std::string stream = testing::ToSse(payloads);
  SseParser parser;
  Collected c = Parse(parser, {stream});
  EXPECT_TRUE(c.status.ok());
  EXPECT_EQ(c.events, ExpectedEvents(payloads));
  EXPECT_EQ(c.end, SseParser::End::kClean);
  EXPECT_EQ(parser.events_dispatched(), static_cast<int64_t>(payloads.size()));
  EXPECT_EQ(parser.bytes_fed(), static_cast<int64_t>(stream.size()));
}

// Every line-end convention, split into two reads at every byte position: CR|LF splits are
// among them for CRLF.
TEST(SseParserTest, SplitAtEveryBytePositionForEveryLineEnd) {
  const auto payloads = testing::ChatStreamPayloads(6);
  const auto expected = ExpectedEvents(payloads);
  for (absl::string_view eol : {"\n", "\r\n", "\r"}) {
    const std::string stream = testing::ToSse(payloads, eol);
    for (size_t cut = 0; cut <= stream.size(); ++cut) {
      const absl::string_view s(stream);
      Collected c = Parse({s.substr(0, cut), s.substr(cut)});
      ASSERT_EQ(c.events, expected) << "eol size " << eol.size() << " cut at " << cut;
      ASSERT_EQ(c.end, SseParser::End::kClean) << "cut at " << cut;
    }
  }
}

// Every feature at once (BOM, comment, event, id, multi-line data, empty data, unknown field),
// cut into three reads at every pair of positions, for every line end.
TEST(SseParserTest, RichStreamSplitAtEveryPairOfPositions) {
  for (absl::string_view eol : {"\n", "\r\n", "\r"}) {
    const std::string stream = absl::StrCat(
        "\xEF\xBB\xBF: hello", eol, "event: delta", eol, "id: 1", eol, "data: a", eol, "data:b",
        eol, eol, "data", eol, eol, "retry: 5", eol, "data: {\"x\":1}", eol, eol);
    const std::vector<Event> expected = {
        {"delta", "a\nb"}, {"message", ""}, {"message", "{\"x\":1}"}};
    const absl::string_view s(stream);
    for (size_t i = 0; i <= s.size(); ++i) {
      for (size_t j = i; j <= s.size(); ++j) {
        SseParser parser;
        Collected c = Parse(parser, {s.substr(0, i), s.substr(i, j - i), s.substr(j)});
        ASSERT_EQ(c.events, expected) << "eol size " << eol.size() << " cuts " << i << "," << j;
        ASSERT_EQ(c.end, SseParser::End::kClean);
        ASSERT_EQ(parser.last_event_id(), "1");
      }
    }
  }
}

TEST(SseParserTest, OneBytePieces) {
  const auto payloads = testing::ChatStreamPayloads(10);
  for (absl::string_view eol : {"\n", "\r\n", "\r"}) {
    const std::string stream = testing::ToSse(payloads, eol);
    std::vector<absl::string_view> pieces;
    for (size_t i = 0; i < stream.size(); ++i)
      pieces.push_back(absl::string_view(stream).substr(i, 1));
    Collected c = Parse(pieces);
    EXPECT_EQ(c.events, ExpectedEvents(payloads)) << "eol size " << eol.size();
    EXPECT_EQ(c.end, SseParser::End::kClean);
  }
}

TEST(SseParserTest, RandomSplitsWithFixedSeed) {
  const auto payloads = testing::ChatStreamPayloads(15);
  const auto expected = ExpectedEvents(payloads);
  std::mt19937 rng(20240611);
  for (absl::string_view eol : {"\n", "\r\n", "\r"}) {
    const std::string stream = testing::ToSse(payloads, eol);
    for (int trial = 0; trial < 300; ++trial) {
      std::vector<absl::string_view> pieces;
      size_t pos = 0;
      while (pos < stream.size()) {
        // Mostly small reads, sometimes large, sometimes empty.
        const size_t len = std::uniform_int_distribution<size_t>(0, trial % 2 ? 9 : 700)(rng);
        pieces.push_back(absl::string_view(stream).substr(pos, len));
        pos += len;
      }
      Collected c = Parse(pieces);
      ASSERT_EQ(c.events, expected) << "trial " << trial;
    }
  }
}

TEST(SseParserTest, MixedLineEnds) {
  Collected c = Parse({"data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r\n\n"});
  EXPECT_THAT(c.events, ElementsAre(Event("message", "a"), Event("message", "b"),
                                    Event("message", "c"), Event("message", "d")));
}

// A CR ending one read and an LF starting the next are a single line end, so the LF must not
// count as a blank line that would dispatch "a" on its own.
TEST(SseParserTest, CrLfSplitAcrossReadsIsOneLineEnd) {
  Collected c = Parse({"data: a\r", "\ndata: b\r", "\n\r", "\n"});
  EXPECT_THAT(c.events, ElementsAre(Event("message", "a\nb")));
  EXPECT_EQ(c.end, SseParser::End::kClean);
}

// A lone CR at the end of a read followed by a read starting with something else: the CR
// ended the line on its own.
TEST(SseParserTest, CrAtEndOfReadFollowedByOtherText) {
  Collected c = Parse({"data: a\r", "\r", "data: b\r", "", "\r"});
  EXPECT_THAT(c.events, ElementsAre(Event("message", "a"), Event("message", "b")));
}

TEST(SseParserTest, CommentsAreIgnored) {
  Collected c = Parse({": keep-alive\n\n:\ndata: x\n: inside an event\ndata: y\n\n"});
  EXPECT_THAT(c.events, ElementsAre(Event("message", "x\ny")));
}

TEST(SseParserTest, MultiLineDataIsJoinedWithNewlines) {
  Collected c = Parse({"data: first\ndata:second\ndata\ndata: \n\n"});
  EXPECT_THAT(c.events, ElementsAre(Event("message", "first\nsecond\n\n")));
}

TEST(SseParserTest, OnlyOneLeadingSpaceIsStripped) {
  Collected c = Parse({"data:  two spaces \n\ndata:none\n\n"});
  EXPECT_THAT(c.events, ElementsAre(Event("message", " two spaces "), Event("message", "none")));
}

TEST(SseParserTest, EventAndIdFields) {
  SseParser parser;
  Collected c = Parse(parser, {"event: delta\nid: 7\ndata: x\n\ndata: y\n\nid: 8\nevent: e\n\n"});
  // The event type applies to one event only; an event without data is not dispatched.
  EXPECT_THAT(c.events, ElementsAre(Event("delta", "x"), Event("message", "y")));
  // The id persists across events; the last one wins.
  EXPECT_EQ(parser.last_event_id(), "8");
}

TEST(SseParserTest, IdWithNulIsIgnored) {
  SseParser parser;
  constexpr char kStream[] = "id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n";
  const std::string stream(kStream, sizeof(kStream) - 1);
  Collected c = Parse(parser, {stream});
  EXPECT_EQ(c.events.size(), 2u);
  EXPECT_EQ(parser.last_event_id(), "1");
}

TEST(SseParserTest, EmptyDataIsAnEventButNoDataIsNot) {
  Collected c = Parse({"data:\n\nevent: only-type\n\n\n\ndata\n\n"});
  EXPECT_THAT(c.events, ElementsAre(Event("message", ""), Event("message", "")));
}

TEST(SseParserTest, UnknownFieldsAreIgnored) {
  Collected c = Parse({"retry: 100\nfoo: bar\ndatum: no\nDATA: no\ndata: yes\n\n"});
  EXPECT_THAT(c.events, ElementsAre(Event("message", "yes")));
}

TEST(SseParserTest, FinishReportsAnUndispatchedEvent) {
  EXPECT_EQ(Parse({"data: x\n"}).end, SseParser::End::kPartialEvent);
  EXPECT_EQ(Parse({"data: x"}).end, SseParser::End::kPartialEvent);
  EXPECT_EQ(Parse({"data: a\n\ndata: {\"trunc"}).end, SseParser::End::kPartialEvent);
  EXPECT_EQ(Parse({"event: x\n"}).end, SseParser::End::kPartialEvent);
  EXPECT_EQ(Parse({"data: x\n\n"}).end, SseParser::End::kClean);
  EXPECT_EQ(Parse({"data: x\r\n\r\n"}).end, SseParser::End::kClean);
  EXPECT_EQ(Parse({"data: x\n\n: trailing comment\n"}).end, SseParser::End::kClean);
  EXPECT_EQ(Parse({""}).end, SseParser::End::kClean);
  // The partial event is discarded, never dispatched.
  EXPECT_THAT(Parse({"data: a\n\ndata: b\n"}).events, ElementsAre(Event("message", "a")));
}

TEST(SseParserTest, BomAtStreamStartIsSkipped) {
  Collected whole =
      Parse({"\xEF\xBB\xBF"
             "data: x\n\n"});
  EXPECT_THAT(whole.events, ElementsAre(Event("message", "x")));
  // Split inside the BOM.
  Collected split = Parse({"\xEF", "\xBB",
                           "\xBF"
                           "da",
                           "ta: x\n\n"});
  EXPECT_THAT(split.events, ElementsAre(Event("message", "x")));
  // Only at the start: later, the same bytes are content.
  Collected later = Parse({"data: a\n\ndata: \xEF\xBB\xBFy\n\n"});
  EXPECT_THAT(later.events, ElementsAre(Event("message", "a"), Event("message", "\xEF\xBB\xBFy")));
}

TEST(SseParserTest, BytesThatOnlyLookLikeABomStartAreKept) {
  // "\xEF" then "x": not a BOM, so both bytes belong to an unterminated line.
  EXPECT_EQ(Parse({"\xEF", "x"}).end, SseParser::End::kPartialEvent);
  // A field name that starts with the BOM's first byte is an unknown field, not "data".
  EXPECT_THAT(Parse({"\xEF"
                     "data: x\n\n"})
                  .events,
              IsEmpty());
}

TEST(SseParserTest, OversizedEventInOneLineIsAnError) {
  SseParser parser(1024);
  const std::string stream = "data: " + std::string(2000, 'x') + "\n\n";
  Collected c = Parse(parser, {stream});
  EXPECT_EQ(c.status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(c.events, IsEmpty());
  EXPECT_EQ(c.end, SseParser::End::kError);
}

TEST(SseParserTest, OversizedEventAcrossReadsAndLinesIsAnError) {
  // One long line arriving in small reads without a line end.
  {
    SseParser parser(1024);
    std::vector<std::string> reads(30, std::string(100, 'x'));
    reads.front() = "data: ";
    std::vector<absl::string_view> pieces(reads.begin(), reads.end());
    Collected c = Parse(parser, pieces);
    EXPECT_EQ(c.status.code(), absl::StatusCode::kResourceExhausted);
  }
  // Many short data lines that never end the event.
  {
    SseParser parser(1024);
    std::string stream;
    for (int i = 0; i < 200; ++i) stream += "data: 0123456789\n";
    stream += "\n";
    Collected c = Parse(parser, {stream});
    EXPECT_EQ(c.status.code(), absl::StatusCode::kResourceExhausted);
    EXPECT_THAT(c.events, IsEmpty());
    // Input after the error is ignored, and the error stays.
    c.status = parser.Feed("data: small\n\n", [](absl::string_view, absl::string_view) {
      ADD_FAILURE() << "no event after an error";
    });
    EXPECT_EQ(c.status.code(), absl::StatusCode::kResourceExhausted);
  }
}

TEST(SseParserTest, EventJustUnderTheLimitIsAccepted) {
  SseParser parser(1024);
  // The limit counts the line being read: "data: " and 1018 bytes make exactly 1024.
  const std::string payload(1018, 'y');
  Collected c = Parse(parser, {"data: " + payload + "\n\n"});
  EXPECT_TRUE(c.status.ok());
  ASSERT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.events[0].second, payload);
}

// Found by tests/fuzz/sse_parser.cc: a line in one read was only limited when it was a data
// line, and by its value alone, while the same line split across reads counted whole, so the
// split decided whether the stream failed. Now the line counts the same way in both cases.
TEST(SseParserTest, SizeLimitDoesNotDependOnHowTheLineIsSplit) {
  const std::vector<std::string> lines = {
      "data: " + std::string(1018, 'y'),  // exactly the limit: accepted
      "data: " + std::string(1019, 'y'),  // one byte over
      ": " + std::string(1100, 'c'),      // a comment longer than the limit
      "event: " + std::string(1100, 'e'),
  };
  for (const std::string& line : lines) {
    const std::string stream = line + "\n\ndata: next\n\n";
    SseParser whole(1024);
    Collected one_read = Parse(whole, {stream});
    std::vector<absl::string_view> bytes;
    for (size_t i = 0; i < stream.size(); ++i)
      bytes.push_back(absl::string_view(stream).substr(i, 1));
    SseParser split(1024);
    Collected byte_reads = Parse(split, bytes);
    EXPECT_EQ(one_read.status.code(), byte_reads.status.code()) << line.substr(0, 8);
    EXPECT_EQ(one_read.events, byte_reads.events) << line.substr(0, 8);
    EXPECT_EQ(one_read.status.ok(), line.size() <= 1024) << line.substr(0, 8);
  }
}

TEST(SseParserTest, ResetMakesTheParserReusable) {
  SseParser parser(64);
  Collected bad = Parse(parser, {"data: " + std::string(100, 'x') + "\n\n"});
  EXPECT_FALSE(bad.status.ok());
  parser.Reset();
  EXPECT_EQ(parser.bytes_fed(), 0);
  Collected good = Parse(parser, {"\xEF\xBB\xBF"
                                  "id: 3\ndata: ok\n\n"});
  EXPECT_TRUE(good.status.ok());
  EXPECT_THAT(good.events, ElementsAre(Event("message", "ok")));
  EXPECT_EQ(parser.events_dispatched(), 1);
  parser.Reset();
  EXPECT_EQ(parser.last_event_id(), "");
  // A partial line from before Reset() must not leak into the next stream.
  (void)parser.Feed("data: stale", [](absl::string_view, absl::string_view) {});
  parser.Reset();
  EXPECT_THAT(Parse(parser, {"data: fresh\n\n"}).events, ElementsAre(Event("message", "fresh")));
}

}  // namespace
}  // namespace llmload
