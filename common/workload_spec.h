// WorkloadSpec: everything that describes a load test, parsed once from flags (or a scenario
// file) on the master and handed unchanged to every agent, so that a run is fully described
// by one object. Agents add nothing of their own but their share of users.
#ifndef LLMLOAD_COMMON_WORKLOAD_SPEC_H_
#define LLMLOAD_COMMON_WORKLOAD_SPEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/conversation.h"
#include "common/dataset.h"
#include "common/prompt.h"
#include "common/retry_policy.h"
#include "common/synthetic_dataset.h"
#include "common/trace_request.h"

namespace llmload {

// A service-level objective on one per-request metric; a request that meets every SLO of the
// run counts towards goodput.
struct Slo {
  enum class Metric { kTtft, kTpot, kItl, kE2e };
  Metric metric;
  absl::Duration limit;
};
// Parses "ttft=500ms", "tpot=50ms", "itl=20ms", "e2e=10s" (also "latency=").
absl::StatusOr<Slo> ParseSlo(absl::string_view text);
absl::string_view SloMetricName(Slo::Metric metric);

struct WorkloadSpec {
  // Where and what to ask.
  // The endpoint URL, e.g. http://127.0.0.1:8000/v1/chat/completions: resolved by the API's
  // adapter from --url (api/endpoint_url.h); resolving it again gives it back.
  std::string url;
  // The API (an api/api_table.h name) and the options of its own that the user set, as
  // {option name, value}; its adapter checks them.
  std::string api = "openai-chat";
  std::vector<std::pair<std::string, std::string>> api_options;
  std::string model;
  std::optional<int> max_tokens;
  std::optional<double> temperature;
  std::vector<std::pair<std::string, std::string>> params;   // --param: key, JSON value
  std::vector<std::pair<std::string, std::string>> headers;  // --header K=V
  std::string api_key;  // secret: never printed, never written to an output file
  // Further secrets from the environment variables the API's entry names (AWS keys, ...), as
  // {variable name, value}: never printed, never written to an output file.
  std::vector<std::pair<std::string, std::string>> credentials;
  bool stream = true;
  bool include_usage = true;  // ask for stream_options.include_usage when streaming
  bool insecure_tls = false;  // skip TLS certificate checks (self-signed test endpoints)

  // What to send.
  std::vector<Prompt> prompts;
  PromptOrder prompt_order = PromptOrder::kRoundRobin;
  uint64_t seed = 0;
  // Multi-turn (--multi-turn): each virtual user plays one conversation after another, turn by
  // turn, each request carrying the history so far (agent/conversation_session.h). The prompt
  // order picks conversations: prompts[i] is conversations[i]'s first turn, so per-prompt
  // results are per conversation. The pause before a later turn is the turn's own `delay`,
  // else `turn_delay` (--turn-delay), else think_time; think_time also separates conversations.
  std::vector<Conversation> conversations;
  // Synthetic prompts (--input-tokens, common/synthetic_dataset.h): `prompts` are then
  // MakeSyntheticPrompts(*synthetic, seed), built by the master and by each agent alike.
  std::optional<SyntheticDataset> synthetic;
  // Where a --dataset's prompts came from (format, records, filters), for the report; master
  // side only: agents get the prompts themselves.
  std::optional<DatasetSource> dataset_source;
  HistoryMode history = HistoryMode::kActual;
  std::optional<absl::Duration> turn_delay;

  // How much load, for how long. Zero means "no limit" for run_time and max_requests.
  int64_t users = 1;
  double spawn_rate = 1;  // users started per second
  absl::Duration run_time = absl::ZeroDuration();
  int64_t max_requests = 0;
  absl::Duration think_time = absl::ZeroDuration();

  // Open loop (--rate): requests start at the times an arrival process schedules, whatever
  // the replies do, and latency runs from the scheduled time (schedule/). `rate`,
  // `max_concurrency` and `max_queue` are the run's totals; each Assignment carries the
  // agent's share of them beside the spec.
  bool open_loop = false;
  double rate = 0;                  // requests per second, in total
  std::string arrival = "poisson";  // schedule/arrival_table.h
  double burstiness = 1;            // the gamma process's shape (1: Poisson)
  int64_t max_concurrency = 0;      // requests in flight at most; 0: no cap
  int64_t max_queue = 0;            // arrivals waiting for a free slot at most
  // Warm-up: requests started in the first `warmup` of the run, and the first
  // `warmup_requests` (in an Assignment: the agent's share), are sent but left out of every
  // aggregate.
  absl::Duration warmup = absl::ZeroDuration();
  int64_t warmup_requests = 0;
  // Load stages (--stages, as typed and checked; schedule/stages.h): the master steps the
  // target (users, or the rate in an open loop) through them and sends agents the target of
  // the moment, so they stay on the master's side of the wire.
  std::string stages;
  bool stages_step = false;
  // Trace replay (--trace): an open loop whose sends and prompts are the trace's lines, each
  // at its recorded offset divided by `trace_speed`, repeated with `trace_loop`; the prompts
  // of lines with an input_length are synthetic, of `trace_block_tokens`-token prefix blocks.
  // Agents send their stripe of it (schedule/trace_replay.h); `prompts` is then empty.
  std::vector<TraceRequest> trace;
  std::string trace_name;  // the file's basename
  double trace_speed = 1;
  bool trace_loop = false;
  int64_t trace_block_tokens = 512;

  // Patience.
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration request_timeout = absl::Seconds(600);
  absl::Duration stop_timeout = absl::Seconds(30);

  // Most a response may make llmload keep: a non-streamed or error body, or the state a
  // stream retains (one SSE event). Past it the request fails as response_too_large.
  int64_t max_response_bytes = int64_t{8} << 20;
  RetryPolicy retry;  // off unless --retries

  std::vector<Slo> slos;
  bool record_requests = false;  // keep one record per request (--csv-out)
};

}  // namespace llmload

#endif  // LLMLOAD_COMMON_WORKLOAD_SPEC_H_
