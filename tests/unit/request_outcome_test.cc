#include "api/request_outcome.h"

#include "gtest/gtest.h"

namespace llmload {
namespace {

RequestOutcome GoodStream() {
  RequestOutcome o;
  o.http_status = 200;
  o.streaming = true;
  o.facts.complete = true;
  return o;
}

TEST(RequestOutcomeTest, CompleteStreamIsSuccess) {
  EXPECT_EQ(ClassifyRequest(GoodStream()), ErrorClass::kSuccess);
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
  mid.facts.complete = false;
  mid.facts.framing = FramingEnd::kPartialEvent;
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
  o.facts.complete = false;
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kTruncatedStream);
  RequestOutcome partial = GoodStream();
  partial.facts.framing = FramingEnd::kPartialEvent;
  EXPECT_EQ(ClassifyRequest(partial), ErrorClass::kTruncatedStream);
}

TEST(RequestOutcomeTest, StreamContentErrorsWinOverTransport) {
  RequestOutcome o = GoodStream();
  o.facts.api_error = true;
  o.transport = TransportResult::kAborted;  // we may abort once the error is seen
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kApiError);
  RequestOutcome m = GoodStream();
  m.facts.malformed = true;
  m.transport = TransportResult::kReset;
  EXPECT_EQ(ClassifyRequest(m), ErrorClass::kMalformedStream);
  RequestOutcome big = GoodStream();
  big.facts.framing = FramingEnd::kTooLarge;  // an event over --max-response-bytes
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
  o.facts.complete = false;  // a truncated stream stays truncated
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kTruncatedStream);
  RequestOutcome body;
  body.http_status = 200;
  body.streaming = false;
  body.usage_malformed = true;
  EXPECT_EQ(ClassifyRequest(body), ErrorClass::kMalformedUsage);
  body.facts.api_error = true;
  EXPECT_EQ(ClassifyRequest(body), ErrorClass::kApiError);
}

TEST(RequestOutcomeTest, NonStreamingBodies) {
  RequestOutcome o;
  o.http_status = 200;
  o.streaming = false;
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kSuccess);
  o.facts.api_error = true;
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kApiError);
  o.facts.api_error_class = ErrorClass::kHttp429;  // an API's error that names its class
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kHttp429);
  o.facts.api_error = false;
  o.facts.malformed = true;
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

TEST(RequestOutcomeTest, AStreamErrorCountsAsTheClassTheApiNamed) {
  RequestOutcome o = GoodStream();
  o.facts.api_error = true;
  o.facts.api_error_class = ErrorClass::kHttp429;  // e.g. Bedrock's throttlingException
  EXPECT_EQ(ClassifyRequest(o), ErrorClass::kHttp429);
}

}  // namespace
}  // namespace llmload
