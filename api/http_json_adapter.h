// The custom-endpoint adapter (--api http-json): any HTTP API that takes a JSON body and
// answers JSON, described by flags instead of code. The body is --request-template with
// placeholders (request_template.h), sent to --url as given with --method; the answer is read
// at the paths --response-text, --chunk-text, --response-input-tokens and
// --response-output-tokens, streamed as --stream-format none|sse|ndjson and ended by
// --stream-done (http_json_decoder.h). Seeds 000 (/summarize?model=X taking {"text": ...}) and
// 002 (--query-template with %m and %p) are both one command with it (docs/apis.md).
#ifndef LLMLOAD_API_HTTP_JSON_ADAPTER_H_
#define LLMLOAD_API_HTTP_JSON_ADAPTER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "api/api_adapter.h"
#include "api/api_table.h"
#include "common/workload_spec.h"

namespace llmload {

// The options of --api http-json, for its ApiEntry.
absl::Span<const ApiOption> HttpJsonOptions();

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateHttpJsonAdapter(const WorkloadSpec& spec);

}  // namespace llmload

#endif  // LLMLOAD_API_HTTP_JSON_ADAPTER_H_
