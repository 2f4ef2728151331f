// BedrockDialect: AWS Bedrock Runtime's Converse API (POST /model/{modelId}/converse, one JSON
// body) and ConverseStream (POST /model/{modelId}/converse-stream, AWS event-stream binary
// frames with both CRC-32s, api/aws_event_stream.h): messageStart, contentBlockDelta per
// token, contentBlockStop, messageStop, metadata with usage and metrics.latencyMs. Errors are
// AWS's: {"message": ...} with the x-amzn-ErrorType header.
//
// SigV4: with keys (from the environment variable LLMLOAD_MOCK_AWS_KEYS, "ACCESS:SECRET", so the
// secret is not on a command line), every request must carry a valid signature for them
// (api/aws_sigv4_signer.h, recomputed over the headers the request says it signed), dated
// within 15 minutes; otherwise 403 with AWS's InvalidSignatureException (or
// UnrecognizedClientException, MissingAuthenticationTokenException). Without keys any
// request is accepted.
#ifndef LLMLOAD_MOCK_DIALECTS_BEDROCK_DIALECT_H_
#define LLMLOAD_MOCK_DIALECTS_BEDROCK_DIALECT_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "mock/dialects/mock_dialect.h"
#include "simdjson.h"

namespace llmload::mock {

// The variable the dialect reads its SigV4 keys from.
inline constexpr char kMockAwsKeysEnv[] = "LLMLOAD_MOCK_AWS_KEYS";

struct MockAwsKeys {
  std::string access_key_id;
  std::string secret_access_key;
};

class BedrockDialect final : public MockDialect {
 public:
  // Keys from LLMLOAD_MOCK_AWS_KEYS ("ACCESS:SECRET"); none when unset or without a ':'.
  BedrockDialect();
  explicit BedrockDialect(std::optional<MockAwsKeys> keys);

  absl::Span<const MockRoute> routes() const override;
  std::optional<ApiError> Authorize(const HttpRequest& request, const MockRoute& route,
                                    absl::Time now) override;
  std::optional<ApiError> ParseRequest(const HttpRequest& request, const MockRoute& route,
                                       const RouteCaptures& captures, MockRequest* out) override;
  absl::string_view IdPrefix(const MockRequest& request) const override { return "bedrock-"; }
  std::unique_ptr<MockResponseWriter> NewWriter() const override;
  ApiError InjectedError(int status, absl::string_view model) const override;
  void RenderError(const ApiError& error, MockReply* out) const override;

 private:
  const std::optional<MockAwsKeys> keys_;
  simdjson::dom::parser parser_;
};

}  // namespace llmload::mock

#endif  // LLMLOAD_MOCK_DIALECTS_BEDROCK_DIALECT_H_
