#include "api/request_outcome.h"

#include "gtest/gtest.h"

namespace llmload {
namespace {

RequestOutcome GoodStream() {
  RequestOutcome o;
  o.http_status = 200;
  o.streaming = true;
  o.stream.done_seen = true;
  o.stream.finish_seen = true;
  return o;
}

TEST(RequestOutcomeTest, CompleteStreamIsSuccess) {
  EXPECT_EQ(ClassifyRequest(GoodStream()), ErrorClass::kSuccess);
  RequestOutcome only_done = GoodStream();
  only_done.stream.finish_seen = false;
  EXPECT_EQ(ClassifyRequest(only_done), ErrorClass::kSuccess);
  RequestOutcome only_finish = GoodStream();
  only_finish.stream.done_seen = false;
  EXPECT_EQ(ClassifyRequest(only_finish), ErrorClass::kSuccess);
}

TEST(RequestOutcomeTest, HttpStatuses) {
  RequestOutcome o = GoodStream();
  o.http_status = 429;
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kHttp429);
  o.http_status = 400;
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kHttp4xx);
  o.http_status = 404;
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kHttp4xx);
  o.http_status = 503;
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kHttp5xx);
  // A 5xx whose body was then cut off is still a 5xx.
  o.transport = TransportResult::kReset;
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kHttp5xx);
  o.transport = TransportResult::kOk;
  o.http_status = 302;
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kOther);
}

TEST(RequestOutcomeTest, CancelledWinsOverEverything) {
  RequestOutcome o = GoodStream();
  o.cancelled = true;
  o.http_status = 500;
  o.transport = TransportResult::kAborted;
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kCancelled);
}

TEST(RequestOutcomeTest, TransportFailures) {
  RequestOutcome o;
  o.transport = TransportResult::kConnect;
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kConnect);
  o.transport = TransportResult::kTimeout;
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kTimeout);
  // A timeout in the middle of a 200 stream is a timeout, not a truncation.
  RequestOutcome mid = GoodStream();
  mid.stream.done_seen = mid.stream.finish_seen = false;
  mid.stream.sse_end = SseParser::End::kPartialEvent;
  mid.transport = TransportResult::kTimeout;
  EXPECT_EQ(ClassifyRequest(mid), ErrorClass::kTimeout);
  mid.transport = TransportResult::kReset;
  EXPECT_EQ(ClassifyRequest(mid), ErrorClass::kReset);
  // The server hung up cleanly mid-stream: the stream was truncated.
  mid.transport = TransportResult::kClosedEarly;
  EXPECT_EQ(ClassifyRequest(mid), ErrorClass::kTruncatedStream);
  // ... but a body cut off outside a 2xx stream is a reset.
  RequestOutcome body = mid;
  body.streaming = false;
  EXPECT_EQ(ClassifyRequest(body), ErrorClass::kReset);
  mid.transport = TransportResult::kAborted;
  EXPECT_EQ(ClassifyRequest(mid), ErrorClass::kOther);
  // No status line and no transport error should not happen; it is not a success.
  EXPECT_EQ(ClassifyRequest(RequestOutcome{}), ErrorClass::kOther);
}

TEST(RequestOutcomeTest, TruncatedStreams) {
  RequestOutcome o = GoodStream();
  o.stream.done_seen = o.stream.finish_seen = false;
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kTruncatedStream);
  RequestOutcome partial = GoodStream();
  partial.stream.sse_end = SseParser::End::kPartialEvent;
  EXPECT_EQ(ClassifyRequest(partial), ErrorClass::kTruncatedStream);
}

TEST(RequestOutcomeTest, StreamContentErrorsWinOverTransport) {
  RequestOutcome o = GoodStream();
  o.stream.api_error_seen = true;
  o.transport = TransportResult::kAborted;  // we may abort once the error is seen
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kApiError);
  RequestOutcome m = GoodStream();
  m.stream.malformed_seen = true;
  m.transport = TransportResult::kReset;
  EXPECT_EQ(ClassifyRequest(m), ErrorClass::kMalformedStream);
  RequestOutcome big = GoodStream();
  big.stream.sse_end = SseParser::End::kError;  // an event over --max-response-bytes
  EXPECT_EQ(ClassifyRequest(big), ErrorClass::kResponseTooLarge);
}

TEST(RequestOutcomeTest, ResponsesTheReaderStoppedHaveTheirOwnClasses) {
  // The reader returns 0 from libcurl's write callback: the transport says kAborted (which
  // alone is `other`), the flag says why.
  RequestOutcome big = GoodStream();
  big.transport = TransportResult::kAborted;
  EXPECT_EQ(ClassifyRequest(big), ErrorClass::kOther);
  big.too_large = true;
  EXPECT_EQ(ClassifyRequest(big), ErrorClass::kResponseTooLarge);
  big.streaming = false;
  EXPECT_EQ(ClassifyRequest(big), ErrorClass::kResponseTooLarge);
  // An HTTP error status is complete evidence, however large its body.
  big.http_status = 503;
  EXPECT_EQ(ClassifyRequest(big), ErrorClass::kHttp5xx);

  RequestOutcome type = GoodStream();
  type.transport = TransportResult::kAborted;
  type.unexpected_content_type = true;
  EXPECT_EQ(ClassifyRequest(type), ErrorClass::kUnexpectedContentType);
  type.unexpected_encoding = true;  // both: the encoding is what made the body unreadable
  EXPECT_EQ(ClassifyRequest(type), ErrorClass::kUnexpectedEncoding);
  type.http_status = 429;
  EXPECT_EQ(ClassifyRequest(type), ErrorClass::kHttp429);

  // Content-Type is only checked for streams: a non-streamed JSON body may say anything.
  RequestOutcome body;
  body.http_status = 200;
  body.streaming = false;
  body.unexpected_content_type = true;
  EXPECT_EQ(ClassifyRequest(body), ErrorClass::kSuccess);
}

TEST(RequestOutcomeTest, MalformedUsageOnlyTurnsAnOtherwiseGoodResponse) {
  RequestOutcome o = GoodStream();
  o.usage_malformed = true;
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kMalformedUsage);
  o.stream.done_seen = o.stream.finish_seen = false;  // a truncated stream stays truncated
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kTruncatedStream);
  RequestOutcome body;
  body.http_status = 200;
  body.streaming = false;
  body.usage_malformed = true;
  EXPECT_EQ(ClassifyRequest(body), ErrorClass::kMalformedUsage);
  body.body_kind = ChunkKind::kError;
  EXPECT_EQ(ClassifyRequest(body), ErrorClass::kApiError);
}

TEST(RequestOutcomeTest, NonStreamingBodies) {
  RequestOutcome o;
  o.http_status = 200;
  o.streaming = false;
  o.body_kind = ChunkKind::kContent;
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kSuccess);
  o.body_kind = ChunkKind::kEmpty;
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kSuccess);
  o.body_kind = ChunkKind::kError;
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kApiError);
  o.body_kind = ChunkKind::kMalformed;
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kMalformedStream);
  // A body cut off by a reset is unparseable because of the reset.
  o.transport = TransportResult::kReset;
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kReset);
  // Stream facts do not apply to a non-streamed request.
  RequestOutcome ns;
  ns.http_status = 200;
  ns.streaming = false;
  EXPECT_EQ(ClassifyRequest(ns), ErrorClass::kSuccess);
}

TEST(RequestOutcomeTest, StreamFactsFromDecoder) {
  OpenAiStreamDecoder d;
  d.Decode(R"({"choices":[{"delta":{"content":"a"},"finish_reason":"stop"}]})");
  d.Decode("garbage");
  StreamFacts f = StreamFacts::From(SseParser::End::kPartialEvent, d);
  EXPECT_EQ(f.sse_end, SseParser::End::kPartialEvent);
  EXPECT_TRUE(f.finish_seen);
  EXPECT_FALSE(f.done_seen);
  EXPECT_TRUE(f.malformed_seen);
  EXPECT_FALSE(f.api_error_seen);
}

}  // namespace
}  // namespace llmload
