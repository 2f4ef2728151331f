// The AWS Bedrock Runtime Converse adapters: "bedrock-converse" (POST
// /model/{modelId}/converse, one JSON body) and "bedrock-converse-stream" (POST
// /model/{modelId}/converse-stream, AWS event-stream frames, api/aws_event_stream.h). Every
// send is signed with SigV4 (api/aws_sigv4_signer.h) from AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, for the region of --aws-region, AWS_REGION or
// AWS_DEFAULT_REGION; a Bedrock API key (AWS_BEARER_TOKEN_BEDROCK, or --api-key) is sent as a
// Bearer token instead.
//
// Streamed: content is each contentBlockDelta's delta.text (or reasoningContent.text, or
// toolUse.input); the end marker is messageStop; usage and metrics.latencyMs come in the
// metadata event after it. Exception messages in the stream are classed: throttlingException
// as http_429, internalServerException and serviceUnavailableException as http_5xx, any other
// (modelStreamErrorException, validationException, ...) as api_error. docs/apis.md says so.
#ifndef LLMLOAD_API_BEDROCK_ADAPTER_H_
#define LLMLOAD_API_BEDROCK_ADAPTER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "api/api_adapter.h"
#include "common/error_class.h"
#include "common/workload_spec.h"

namespace llmload {

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateBedrockConverseAdapter(const WorkloadSpec& spec);
absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateBedrockConverseStreamAdapter(
    const WorkloadSpec& spec);

// The class an exception message of a Converse stream counts as (`exception_type` is its
// :exception-type header, e.g. "throttlingException").
ErrorClass BedrockExceptionClass(absl::string_view exception_type);

}  // namespace llmload

#endif  // LLMLOAD_API_BEDROCK_ADAPTER_H_
