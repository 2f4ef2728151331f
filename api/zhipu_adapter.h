// The Zhipu adapter ("zhipu"): Zhipu AI's GLM models, POST /api/paas/v4/chat/completions.
// The API is OpenAI-shaped (requests from openai_request.h, responses read by the OpenAI
// decoder, errors {"error": {"code", "message"}}); what is Zhipu's own is the key.
//
// A key of the form `id.secret` ($ZHIPUAI_API_KEY as the console gives it) is never sent: each
// send carries `Authorization: Bearer <JWT>`, a token signed HS256 with the secret (header
// {"alg":"HS256","sign_type":"SIGN"}, payload {"api_key": id, "exp", "timestamp"} in Unix ms),
// as Zhipu's official SDK (zhipuai, v4) sends it. The token is made in Sign(), for every send,
// from the time of the send: it cannot expire during a run, and the adapter stays immutable
// (a cache would need a lock or per-thread state; one token is a few microseconds, next to a
// request's milliseconds). Any other key is sent as a Bearer key.
#ifndef LLMLOAD_API_ZHIPU_ADAPTER_H_
#define LLMLOAD_API_ZHIPU_ADAPTER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "api/api_adapter.h"
#include "common/workload_spec.h"

namespace llmload {

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateZhipuAdapter(const WorkloadSpec& spec);

// How long a token is valid: the SDK's 3.5 minutes, ample for the time a send takes to reach
// the server, since every send has a new one.
inline constexpr int64_t kZhipuTokenTtlMs = 210'000;

// The id and secret of an `id.secret` key (one '.', neither side empty); false otherwise.
bool SplitZhipuKey(absl::string_view key, absl::string_view* id, absl::string_view* secret);

// The JWT for `id`/`secret` made at `now_ms` (Unix ms), valid until now_ms + ttl_ms:
// base64url (no padding) of the header and payload JSON, then of their HMAC-SHA256.
std::string ZhipuJwt(absl::string_view id, absl::string_view secret, int64_t now_ms,
                     int64_t ttl_ms = kZhipuTokenTtlMs);

}  // namespace llmload

#endif  // LLMLOAD_API_ZHIPU_ADAPTER_H_
