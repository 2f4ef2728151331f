// EngineShared: what every event-loop thread of one engine reads, built once before the
// threads start and immutable afterwards (except the request budget counter), so threads
// share it without locks: the run's API adapter (api/api_adapter.h) and the request it
// prepared for each prompt, with that request's header list in libcurl's form.
#ifndef LLMLOAD_AGENT_ENGINE_SHARED_H_
#define LLMLOAD_AGENT_ENGINE_SHARED_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/curl_handles.h"
#include "api/api_adapter.h"
#include "common/workload_spec.h"

namespace llmload::agent {

struct EngineShared {
  WorkloadSpec spec;
  std::unique_ptr<ApiAdapter> adapter;
  std::vector<PreparedRequest> requests;  // one per prompt, prepared once
  // requests[i]'s header lines as a curl_slist, which libcurl only reads: prompts whose lines
  // are the same share one list.
  std::vector<CurlSlist> header_lists;
  std::vector<uint32_t> header_list_of;  // by prompt: its index in header_lists
  // A trace replay's prompts are its stripe's lines: record_prompt_index[i] is prompt i's line
  // in the whole trace, the index the master names (empty: prompts are the spec's own).
  std::vector<uint32_t> record_prompt_index;
  int64_t run_start_ns = 0;                // monotonic; per-request offsets count from here
  uint32_t agent_index = 0;                // stamped on per-request records
  int64_t publish_every_ns = 250'000'000;  // how often threads hand their stats over
  int64_t warmup_ns = 0;                   // spec.warmup

  // Warm-up requests still to take by count (spec.warmup_requests), engine-wide.
  mutable std::atomic<int64_t> warmup_left{0};

  // Requests started so far, engine-wide: enforces --requests without a lock. The one field
  // threads write, hence mutable in an otherwise const-shared struct.
  mutable std::atomic<int64_t> requests_started{0};

  // Takes one request from the budget; false when --requests is exhausted.
  bool TakeRequestSlot() const {
    if (spec.max_requests <= 0) return true;
    return requests_started.fetch_add(1, std::memory_order_relaxed) < spec.max_requests;
  }
  // True while the first spec.warmup_requests requests are being taken.
  bool TakeWarmup() const {
    return warmup_left.load(std::memory_order_relaxed) > 0 &&
           warmup_left.fetch_sub(1, std::memory_order_relaxed) > 0;
  }
  bool budget_exhausted() const {
    return spec.max_requests > 0 &&
           requests_started.load(std::memory_order_relaxed) >= spec.max_requests;
  }
};

// Makes the API adapter of `spec`, starts it (an access token is fetched here, blocking) and
// prepares one request per prompt.
absl::StatusOr<std::unique_ptr<EngineShared>> MakeEngineShared(const WorkloadSpec& spec,
                                                               uint32_t agent_index);

// "Name: value" lines as a curl_slist.
CurlSlist MakeHeaderList(const std::vector<std::string>& lines);

}  // namespace llmload::agent

#endif  // LLMLOAD_AGENT_ENGINE_SHARED_H_
