// The Qianfan adapter (Baidu ERNIE, "--api qianfan"). It speaks one of two APIs, picked from
// the credentials that are set (the first that is complete wins):
//   1. QIANFAN_API_KEY (or --api-key): v2, OpenAI-compatible POST /v2/chat/completions with
//      Bearer auth (openai_request.h bodies, NewOpenAiResponseDecoder);
//   2. QIANFAN_ACCESS_KEY + QIANFAN_SECRET_KEY: v1 (ERNIE), every send signed bce-auth-v1
//      (bce_auth_signer.h);
//   3. QIANFAN_AK + QIANFAN_SK: v1, with an OAuth access token fetched once in Start() from
//      POST {origin}/oauth/2.0/token and sent as ?access_token= on every request.
// No credentials: v2 without Authorization (the in-process mock needs none). notice() says
// which was picked. v1 paths: /rpc/2.0/ai_custom/v1/wenxinworkshop/chat/{model}
// (--model-type chat, the default) or .../completions/{model} (--model-type completion);
// responses are read by NewErnieResponseDecoder.
#ifndef LLMLOAD_API_QIANFAN_ADAPTER_H_
#define LLMLOAD_API_QIANFAN_ADAPTER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "api/api_adapter.h"
#include "common/workload_spec.h"

namespace llmload {

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateQianfanAdapter(const WorkloadSpec& spec);

}  // namespace llmload

#endif  // LLMLOAD_API_QIANFAN_ADAPTER_H_
