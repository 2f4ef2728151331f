#include "master/workload_flags.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <tuple>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "api/api_table.h"
#include "api/openai_request.h"
#include "common/builtin_prompts.h"
#include "common/byte_size.h"
#include "common/dataset.h"
#include "common/duration.h"
#include "common/prompt.h"
#include "dataset/dataset_format_table.h"
#include "dataset/dataset_loader.h"
#include "schedule/arrival_table.h"
#include "schedule/stages.h"

namespace llmload::master {
namespace {

// An option read from @FILE (a request template) is small; a larger file is a mistake.
constexpr size_t kMaxOptionFileBytes = 1 << 20;

// "K=V" or "K: V" into a pair; `flag` names the flag for errors.
absl::StatusOr<std::pair<std::string, std::string>> SplitKeyValue(absl::string_view text,
                                                                  absl::string_view flag,
                                                                  absl::string_view separators) {
  size_t pos = text.find_first_of(separators);
  if (pos == absl::string_view::npos || pos == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": '", text, "' must look like key=value"));
  }
  absl::string_view value = text.substr(pos + 1);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  return std::make_pair(std::string(text.substr(0, pos)), std::string(value));
}

// A header name is an HTTP token and its value holds no control character but tab: a CR or LF
// would end the header line and let the rest inject headers of its own.
absl::Status ValidateHeader(absl::string_view typed, absl::string_view name,
                            absl::string_view value) {
  static constexpr absl::string_view kTokenPunctuation = "!#$%&'*+-.^_`|~";
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
        kTokenPunctuation.find(c) == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("--header '", absl::CEscape(typed), "': the name '", absl::CEscape(name),
                       "' may hold only letters, digits and !#$%&'*+-.^_`|~"));
    }
  }
  for (char c : value) {
    if (c != '\t' && absl::ascii_iscntrl(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          absl::StrCat("--header '", absl::CEscape(typed),
                       "': the value holds a control character (CR, LF, ...), which would "
                       "end the header line"));
    }
  }
  return absl::OkStatus();
}

void AddRetryFlags(CLI::App& app, WorkloadFlags& f) {
  app.add_option("--retries", f.retries,
                 "Send a failed request again up to this many times (default 0: never); each "
                 "attempt is counted, the request's latency runs from its first attempt")
      ->group("Retries");
  app.add_option("--retry-on", f.retry_on,
                 "Error classes that are retried: class names, 429, 4xx, 5xx (comma-separated)")
      ->capture_default_str()
      ->group("Retries");
  app.add_option("--retry-backoff", f.retry_backoff,
                 "Base of the exponential backoff; each wait is drawn uniformly (full jitter)")
      ->capture_default_str()
      ->group("Retries");
  app.add_option("--retry-backoff-max", f.retry_backoff_max, "Cap of the backoff")
      ->capture_default_str()
      ->group("Retries");
  app.add_flag_callback(
         "--respect-retry-after", [&f] { f.respect_retry_after = true; },
         "Wait at least a 429's or 503's Retry-After before that user's next attempt (the "
         "default)")
      ->group("Retries");
  app.add_flag_callback(
         "--no-respect-retry-after", [&f] { f.respect_retry_after = false; }, "Ignore Retry-After")
      ->group("Retries");
}

// The load model: closed loop (--users) or open loop (--rate), stages and warm-up. Called
// once the durations are parsed, so that --think-time is known.
absl::Status ApplyLoadModelFlags(const WorkloadFlags& f, WorkloadSpec& spec) {
  auto bad = [](auto... parts) { return absl::InvalidArgumentError(absl::StrCat(parts...)); };
  if (!f.trace.path.empty()) return ApplyTraceFlags(f, spec);  // an open loop of its own
  if (f.rate.has_value()) {
    if (f.users_given) {
      return bad(
          "--rate and --users: --rate runs an open loop (requests per second, sent whatever "
          "the replies do) and --users a closed loop (users that each wait for their reply); "
          "give one of them");
    }
    if (std::isinf(*f.rate) && *f.rate > 0) {
      // vLLM's --request-rate inf: no schedule, the cap's slots kept busy.
      if (f.max_concurrency == 0) {
        return bad(
            "--rate inf sends as fast as the slots allow, so it needs --max-concurrency (how "
            "many requests to keep in flight)");
      }
      for (const auto& [given, flag] :
           {std::pair{!f.stages.empty(), "--stages"}, std::pair{!f.arrival.empty(), "--arrival"},
            std::pair{f.burstiness != 1, "--burstiness"},
            std::pair{f.max_queue.has_value(), "--max-queue"}}) {
        if (given)
          return bad(flag, ": not with --rate inf (it has no schedule, and nothing waits)");
      }
    } else if (!std::isfinite(*f.rate) || *f.rate < 0) {
      return bad("--rate: must be a number of requests per second, 0 or more (or inf), got ",
                 *f.rate);
    }
    if (*f.rate == 0 && f.stages.empty()) {
      return bad("--rate 0 sends nothing: give a rate above 0, or --stages to ramp it up");
    }
    if (!std::isfinite(f.burstiness) || f.burstiness <= 0) {
      return bad("--burstiness: must be a finite number above 0, got ", f.burstiness);
    }
    const std::string arrival =
        !f.arrival.empty() ? f.arrival : (f.burstiness != 1 ? "gamma" : "poisson");
    const schedule::ArrivalEntry* entry = schedule::FindArrival(arrival);
    if (entry == nullptr) {
      return bad("--arrival: unknown process '", arrival,
                 "'; one of: ", absl::StrJoin(schedule::ArrivalNames(), ", "));
    }
    if (!entry->uses_burstiness && f.burstiness != 1) {
      return bad("--burstiness shapes gamma arrivals; --arrival ", arrival, " does not use it");
    }
    if (f.max_queue.has_value() && f.max_concurrency == 0) {
      return bad("--max-queue: only with --max-concurrency (without a cap nothing waits)");
    }
    if (spec.think_time > absl::ZeroDuration()) {
      return bad(
          "--think-time is a closed-loop user's pause; an open loop (--rate) sends at "
          "its schedule and has none");
    }
    spec.open_loop = true;
    spec.rate = *f.rate;
    spec.arrival = arrival;
    spec.burstiness = f.burstiness;
    spec.max_concurrency = f.max_concurrency;
    spec.max_queue = f.max_queue.value_or(f.max_concurrency);
  } else {
    for (const auto& [given, flag] :
         {std::pair{!f.arrival.empty(), "--arrival"}, std::pair{f.burstiness != 1, "--burstiness"},
          std::pair{f.max_concurrency > 0, "--max-concurrency"},
          std::pair{f.max_queue.has_value(), "--max-queue"}}) {
      if (given) return bad(flag, ": only with --rate (an open loop)");
    }
  }
  if (!f.stages.empty()) {
    absl::StatusOr<std::vector<schedule::Stage>> stages = schedule::ParseStages(f.stages);
    if (!stages.ok()) return stages.status();
    if (!spec.open_loop) {
      if (f.users_given) {
        return bad(
            "--stages and --users: in a closed loop the stages' targets are the users; "
            "drop --users");
      }
      double most = 0;
      for (const schedule::Stage& stage : *stages) most = std::max(most, stage.target);
      if (most > static_cast<double>(kMaxUsers)) {
        return bad("--stages: a target of ", most, " users is above the most a run may ask for (",
                   kMaxUsers, ")");
      }
      spec.users = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(most)));
    }
    spec.stages = f.stages;
    spec.stages_step = f.stages_step;
  } else if (f.stages_step) {
    return bad("--stages-step: only with --stages");
  }
  return ApplyWarmupFlags(f, spec);
}

}  // namespace

absl::Status ApplyWarmupFlags(const WorkloadFlags& f, WorkloadSpec& spec) {
  absl::StatusOr<absl::Duration> warmup = ParseDuration(f.warmup, "--warmup");
  if (!warmup.ok()) return warmup.status();
  if (*warmup < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--warmup: must not be negative");
  }
  spec.warmup = *warmup;
  spec.warmup_requests = f.warmup_requests;
  return absl::OkStatus();
}

namespace {

// The open loop, stages and warm-up (checked by ApplyLoadModelFlags).
void AddLoadModelFlags(CLI::App& app, WorkloadFlags& f) {
  app.add_option("--rate", f.rate,
                 "Open loop: send this many requests per second in total, whatever the replies "
                 "do; latency runs from each request's scheduled time (instead of --users); inf "
                 "with --max-concurrency keeps that many in flight")
      ->group("Load model");
  app.add_option("--arrival", f.arrival,
                 absl::StrCat("Open loop: how sends are spaced: ",
                              absl::StrJoin(schedule::ArrivalNames(), ", "),
                              " (default poisson; gamma when --burstiness is not 1)"))
      ->group("Load model");
  app.add_option("--burstiness", f.burstiness,
                 "Open loop: the gamma shape of the gaps between sends, as vLLM's: 1 is Poisson, "
                 "below 1 burstier, above 1 more even")
      ->capture_default_str()
      ->group("Load model");
  app.add_option("--max-concurrency", f.max_concurrency,
                 "Open loop: requests in flight at most (0: no cap); an arrival that finds them "
                 "all busy waits in a queue of --max-queue, or is dropped")
      ->check(CLI::Range(int64_t{0}, kMaxUsers))
      ->group("Load model");
  app.add_option("--max-queue", f.max_queue,
                 "Open loop: arrivals waiting for a free slot at most (default: "
                 "--max-concurrency); beyond it they are dropped and counted")
      ->check(CLI::Range(int64_t{0}, kMaxUsers))
      ->group("Load model");
  app.add_option("--stages", f.stages,
                 "Load stages, DURATION:TARGET,...: ramp the users (or with --rate the rate) "
                 "linearly to each target, e.g. 30s:10,2m:100,30s:0; the run ends after the last")
      ->group("Load model");
  app.add_flag("--stages-step", f.stages_step,
               "Hold each stage's target for its whole duration instead of ramping to it")
      ->group("Load model");
  app.add_option("--warmup", f.warmup,
                 "Send but leave out of every figure the requests started in the run's first "
                 "DURATION (in a sweep: of each step)")
      ->capture_default_str()
      ->each([&f](const std::string&) { f.warmup_given = true; })
      ->group("Load model");
  app.add_option("--warmup-requests", f.warmup_requests,
                 "Send but leave out of every figure the run's first N requests")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 53))
      ->group("Load model");
}

}  // namespace

void AddWorkloadFlags(CLI::App& app, WorkloadFlags& f) {
  app.add_option("--url", f.url,
                 "Endpoint: a base URL (http://host:8000, .../v1) or the full path "
                 "(.../v1/chat/completions). Default: start the built-in mock")
      ->group("Target");
  app.add_option("--api", f.api, absl::StrCat("The API to speak: ", ApiNames()))
      ->capture_default_str()
      ->group("Target");
  // Each API's own options, declared from the API table (api/api_table.h): the master has no
  // per-API code. An option several APIs take is declared once.
  for (const ApiEntry& entry : ApiTable()) {
    for (const ApiOption& option : entry.options) {
      const std::string name(option.name);
      if (f.api_options.contains(name)) continue;
      app.add_option(absl::StrCat("--", name), f.api_options[name], std::string(option.help))
          ->group("API options");
    }
  }
  app.add_option("--model", f.model,
                 "Model name sent in each request (default: the first model of GET /v1/models)")
      ->group("Target");
  app.add_option("--max-tokens", f.max_tokens, "max_tokens of each request")
      ->check(CLI::Range(1, 1 << 30))
      ->group("Target");
  app.add_option("--temperature", f.temperature, "temperature of each request")->group("Target");
  app.add_option("--param", f.params,
                 "Extra request field key=value; the value is JSON if it parses, else a string "
                 "(repeatable)")
      ->group("Target");
  app.add_option("--header", f.headers, "Extra HTTP header K=V or 'K: V' (repeatable)")
      ->group("Target");
  app.add_option("--api-key", f.api_key,
                 "The API key (default: the API's variable, e.g. $OPENAI_API_KEY); never "
                 "printed or written")
      ->group("Target");
  // Separate flags rather than CLI11's "!--no-x", whose help reads as if the default were off.
  app.add_flag_callback(
         "--stream", [&f] { f.stream = true; }, "Stream the response (the default)")
      ->group("Target");
  app.add_flag_callback(
         "--no-stream", [&f] { f.stream = false; }, "Ask for one JSON body instead of a stream")
      ->group("Target");
  app.add_flag_callback(
         "--include-usage", [&f] { f.include_usage = true; },
         "Ask for stream_options.include_usage (the default)")
      ->group("Target");
  app.add_flag_callback(
         "--no-include-usage", [&f] { f.include_usage = false; },
         "Do not ask for usage; output tokens are then counted from chunks")
      ->group("Target");
  app.add_flag("--insecure", f.insecure, "Do not verify TLS certificates")->group("Target");

  app.add_option("--prompt", f.prompt, "Prompt text, or @file to read it from a file")
      ->group("Prompts");
  app.add_option("--dataset", f.dataset,
                 "Prompts file: text lines, JSONL, JSON, CSV, ShareGPT, openqa, longalpaca, "
                 "Qianfan (see --dataset-format)")
      ->group("Prompts");
  app.add_option("--dataset-format", f.dataset_format,
                 absl::StrCat("The --dataset's format: ", dataset::DatasetFormatNames(),
                              " (auto: by the extension and the first record)"))
      ->capture_default_str()
      ->group("Prompts");
  app.add_option("--column", f.dataset_column,
                 "The CSV column holding the prompt (default: 'prompt', or the only column)")
      ->group("Prompts");
  app.add_option("--prompt-template", f.prompt_template,
                 "Wrap each dataset prompt: {context} is the prompt, {{ and }} are braces")
      ->group("Prompts");
  app.add_flag("--shuffle", f.shuffle,
               "Shuffle the dataset (seeded by --seed) before --num-prompts takes the first N")
      ->group("Prompts");
  app.add_option("--prompt-order", f.prompt_order, "round-robin or random")
      ->capture_default_str()
      ->group("Prompts");
  // Unsigned: CLI11 reads "-1" as 2^64-1, which these bounds refuse.
  app.add_option("--min-prompt-chars", f.min_prompt_chars,
                 "Drop dataset prompts shorter than this many characters")
      ->check(CLI::Range(size_t{0}, size_t{1} << 40))
      ->group("Prompts");
  app.add_option("--max-prompt-chars", f.max_prompt_chars,
                 "Drop dataset prompts longer than this many characters")
      ->check(CLI::Range(size_t{0}, size_t{1} << 40))
      ->group("Prompts");
  app.add_option("--seed", f.seed, "Seed for random choices")
      ->capture_default_str()
      ->group("Prompts");

  // CLI11 saturates a number beyond int64 at INT64_MAX (or MIN): the range refuses it as typed.
  app.add_option("-u,--users", f.users,
                 absl::StrCat("Concurrent virtual users (1..", kMaxUsers, ")"))
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, kMaxUsers))
      ->group("Load")
      ->each([&f](const std::string&) { f.users_given = true; });
  app.add_option("-r,--spawn-rate", f.spawn_rate, "Users started per second")
      ->capture_default_str()
      ->group("Load");
  app.add_option("-t,--run-time", f.run_time, "Stop after this long, e.g. 30s, 5m, 1h30m")
      ->group("Load");
  app.add_option("-n,--requests", f.requests, "Stop after this many requests in total")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 53))
      ->group("Load");
  app.add_option("--think-time", f.think_time, "Pause of each user between requests")
      ->capture_default_str()
      ->group("Load");
  app.add_option("--connect-timeout", f.connect_timeout, "TCP/TLS connect timeout")
      ->capture_default_str()
      ->group("Load");
  app.add_option("--request-timeout", f.request_timeout, "Whole-request timeout")
      ->capture_default_str()
      ->group("Load");
  app.add_option("--stop-timeout", f.stop_timeout,
                 "At the end or on Ctrl-C, how long in-flight requests may finish before they "
                 "are cancelled")
      ->capture_default_str()
      ->group("Load");
  app.add_option("--max-response-bytes", f.max_response_bytes,
                 "Most of one response llmload keeps (a body, an error body, one stream event); "
                 "a larger one fails as response_too_large. Bytes, or KiB/MiB/GiB")
      ->capture_default_str()
      ->group("Load");
  app.add_option("--slo", f.slos,
                 "Service-level objective for goodput, e.g. ttft=500ms, tpot=50ms, itl=100ms, "
                 "e2e=10s (repeatable, or comma-separated)")
      ->delimiter(',')
      ->group("Load");
  AddRetryFlags(app, f);
  AddLoadModelFlags(app, f);
  AddTraceFlags(app, f.trace);
  AddConversationFlags(app, f.conversation);
  AddSyntheticFlags(app, f.synthetic);
}

void AddOutputFlags(CLI::App& app, OutputFlags& f) {
  app.add_option("--json-out", f.json_out, "Write the JSON summary here")->group("Output");
  app.add_flag("--per-prompt", f.per_prompt,
               "Also report latency and TTFT per prompt (summary table and JSON \"prompts\")")
      ->group("Output");
  app.add_option("--csv-out", f.csv_out, "Write one CSV row per request here")->group("Output");
  app.add_option("--csv-stats", f.csv_stats, "Write the per-interval history as CSV here")
      ->group("Output");
  app.add_option("--console-interval", f.console_interval, "How often the live view refreshes")
      ->capture_default_str()
      ->group("Output");
  app.add_flag("-q,--quiet", f.quiet, "No live view, only the final summary")->group("Output");
}

dataset::DatasetLoadOptions DatasetLoadOptionsOf(const WorkloadFlags& f) {
  dataset::DatasetLoadOptions options;
  options.length.min_chars = f.min_prompt_chars;
  if (f.max_prompt_chars > 0) options.length.max_chars = f.max_prompt_chars;
  options.format = f.dataset_format;
  options.column = f.dataset_column;
  options.prompt_template = f.prompt_template;
  options.shuffle = f.shuffle;
  options.seed = f.seed;
  if (f.synthetic.num_prompts_given)
    options.num_prompts = static_cast<size_t>(f.synthetic.num_prompts);
  return options;
}

absl::StatusOr<WorkloadSpec> BuildWorkloadSpec(const WorkloadFlags& f) {
  WorkloadSpec spec;
  const ApiEntry* api = FindApi(f.api);
  if (api == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--api: unknown API '", f.api, "' (use one of ", ApiNames(), ")"));
  }
  spec.api = std::string(api->name);
  for (const auto& [name, value] : f.api_options) {
    if (value.empty()) continue;
    bool file = false;
    for (const ApiOption& o : api->options) file = file || (o.name == name && o.file);
    if (file && value[0] == '@') {
      // Read here, on the master: agents get the text, and need no copy of the file.
      std::ifstream in(value.substr(1), std::ios::binary);
      std::ostringstream text;
      if (in) text << in.rdbuf();
      if (!in || text.str().size() > kMaxOptionFileBytes) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--", name, " ", value, ": ", !in ? "cannot read the file" : "the file is over 1 MiB"));
      }
      spec.api_options.emplace_back(name, text.str());
      continue;
    }
    spec.api_options.emplace_back(name, value);
  }
  spec.url = f.url;
  spec.model = f.model;
  if (spec.model.empty() && !api->lists_models && api->requires_model && !spec.url.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--model: required with --api ", api->name, " (it lists no models)"));
  }
  if (f.max_tokens && *f.max_tokens <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--max-tokens: must be at least 1, got ", *f.max_tokens));
  }
  spec.max_tokens = f.max_tokens;
  if (f.temperature && !std::isfinite(*f.temperature)) {
    return absl::InvalidArgumentError("--temperature: must be a finite number");
  }
  spec.temperature = f.temperature;
  for (const std::string& p : f.params) {
    absl::StatusOr<ExtraParam> param = ParseExtraParam(p);
    if (!param.ok()) return param.status();
    spec.params.emplace_back(param->key, param->json);
  }
  bool header_key = false;
  for (const std::string& h : f.headers) {
    auto kv = SplitKeyValue(h, "--header", "=:");
    if (!kv.ok()) return kv.status();
    if (absl::Status s = ValidateHeader(h, kv->first, kv->second); !s.ok()) return s;
    header_key = header_key ||
                 (!api->key_header.empty() && absl::EqualsIgnoreCase(kv->first, api->key_header));
    spec.headers.push_back(*kv);
  }
  spec.api_key = f.api_key;
  const std::string key_env(api->key_env);
  const bool key_from_env =
      spec.api_key.empty() && !key_env.empty() && std::getenv(key_env.c_str()) != nullptr;
  if (key_from_env) spec.api_key = std::getenv(key_env.c_str());
  const std::string key_source = key_from_env ? absl::StrCat("$", key_env) : "--api-key";
  // Both would send the key's header, and servers differ in which of two they read.
  if (header_key && !spec.api_key.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--header ", api->key_header, " and ", key_source, " both set the ", api->key_header,
        " header: give only one",
        key_from_env ? absl::StrCat(" (unset ", key_env, " to send the header as given)") : ""));
  }
  for (char c : spec.api_key) {
    if (absl::ascii_iscntrl(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(absl::StrCat(
          key_source,
          ": holds a control character (CR, LF, ...; a trailing newline from a file?)"));
    }
  }
  for (absl::string_view name : absl::StrSplit(api->credential_env, ',', absl::SkipEmpty())) {
    const std::string var(name);
    if (const char* value = std::getenv(var.c_str()); value != nullptr && *value != '\0') {
      spec.credentials.emplace_back(var, value);
    }
  }
  spec.stream = f.stream;
  spec.include_usage = f.include_usage;
  spec.insecure_tls = f.insecure;

  if (!f.prompt.empty() && !f.dataset.empty()) {
    return absl::InvalidArgumentError("--prompt and --dataset: give one or the other, not both");
  }
  if (f.dataset.empty()) {
    for (const auto& [given, flag] : {std::pair{f.dataset_format != "auto", "--dataset-format"},
                                      std::pair{!f.dataset_column.empty(), "--column"},
                                      std::pair{!f.prompt_template.empty(), "--prompt-template"},
                                      std::pair{f.shuffle, "--shuffle"}}) {
      if (given)
        return absl::InvalidArgumentError(absl::StrCat(flag, ": only with --dataset FILE"));
    }
  }
  if (!f.prompt.empty()) {
    absl::StatusOr<Prompt> prompt = ResolvePromptArgument(f.prompt);
    if (!prompt.ok()) return prompt.status();
    spec.prompts.push_back(std::move(*prompt));
  } else if (f.synthetic.given()) {
    // Synthetic prompts: ApplySyntheticFlags makes them, once the seed is known.
  } else if (f.conversation.multi_turn) {
    // The dataset holds conversations: ApplyConversationFlags reads it, once --think-time is known.
  } else if (!f.dataset.empty()) {
    DatasetSource source;
    absl::StatusOr<std::vector<Prompt>> prompts =
        dataset::LoadDataset(f.dataset, DatasetLoadOptionsOf(f), &source);
    if (!prompts.ok()) return prompts.status();
    spec.prompts = std::move(*prompts);
    spec.dataset_source = std::move(source);
  } else {
    spec.prompts = BuiltinPrompts();
  }
  absl::StatusOr<PromptOrder> order = ParsePromptOrder(f.prompt_order);
  if (!order.ok()) return order.status();
  spec.prompt_order = *order;
  spec.seed = f.seed;

  if (f.users < 1 || f.users > kMaxUsers) {  // CLI11 checked the typed text; this the struct
    return absl::InvalidArgumentError(
        absl::StrCat("--users: must be 1..", kMaxUsers, ", got ", f.users));
  }
  if (!(f.spawn_rate > 0) || !std::isfinite(f.spawn_rate)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--spawn-rate: must be a finite number above 0 users per second, got ", f.spawn_rate));
  }
  spec.users = f.users;
  spec.spawn_rate = f.spawn_rate;
  if (!f.run_time.empty()) {
    absl::StatusOr<absl::Duration> d = ParseDuration(f.run_time, "--run-time");
    if (!d.ok()) return d.status();
    if (*d <= absl::ZeroDuration())
      return absl::InvalidArgumentError("--run-time: must be above 0");
    spec.run_time = *d;
  }
  if (f.requests < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--requests: must be positive, got ", f.requests));
  }
  spec.max_requests = f.requests;
  struct {
    const std::string* text;
    const char* flag;
    absl::Duration* out;
  } durations[] = {{&f.think_time, "--think-time", &spec.think_time},
                   {&f.connect_timeout, "--connect-timeout", &spec.connect_timeout},
                   {&f.request_timeout, "--request-timeout", &spec.request_timeout},
                   {&f.stop_timeout, "--stop-timeout", &spec.stop_timeout}};
  for (const auto& d : durations) {
    absl::StatusOr<absl::Duration> parsed = ParseDuration(*d.text, d.flag);
    if (!parsed.ok()) return parsed.status();
    *d.out = *parsed;
  }
  // libcurl counts these in whole milliseconds and reads 0 as "no limit": a timeout under 1ms
  // (0s, 500us) would silently be none at all.
  for (const auto& [value, flag] : {std::pair{spec.connect_timeout, "--connect-timeout"},
                                    std::pair{spec.request_timeout, "--request-timeout"}}) {
    if (value < absl::Milliseconds(1)) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, ": must be at least 1ms (libcurl counts in milliseconds), got ",
                       absl::FormatDuration(value)));
    }
  }
  for (const std::string& s : f.slos) {
    absl::StatusOr<Slo> slo = ParseSlo(s);
    if (!slo.ok()) return slo.status();
    spec.slos.push_back(*slo);
  }
  absl::StatusOr<int64_t> max_response =
      ParseByteSize(f.max_response_bytes, "--max-response-bytes");
  if (!max_response.ok()) return max_response.status();
  spec.max_response_bytes = *max_response;
  if (f.retries < 0 || f.retries > 100) {
    return absl::InvalidArgumentError(
        absl::StrCat("--retries: must be between 0 and 100, got ", f.retries));
  }
  spec.retry.max_retries = f.retries;
  absl::StatusOr<ErrorClassSet> retry_on = ParseRetryOn(f.retry_on);
  if (!retry_on.ok()) return retry_on.status();
  spec.retry.retry_on = *retry_on;
  for (const auto& [text, flag, out] :
       {std::tuple{&f.retry_backoff, "--retry-backoff", &spec.retry.backoff},
        std::tuple{&f.retry_backoff_max, "--retry-backoff-max", &spec.retry.backoff_max}}) {
    absl::StatusOr<absl::Duration> parsed = ParseDuration(*text, flag);
    if (!parsed.ok()) return parsed.status();
    *out = *parsed;
  }
  if (spec.retry.backoff_max < spec.retry.backoff) {
    return absl::InvalidArgumentError(absl::StrCat("--retry-backoff-max (", f.retry_backoff_max,
                                                   ") must not be below --retry-backoff (",
                                                   f.retry_backoff, ")"));
  }
  spec.retry.respect_retry_after = f.respect_retry_after;
  spec.record_requests = f.record_requests;
  if (absl::Status s = ApplyConversationFlags(f, spec); !s.ok()) return s;
  if (absl::Status s = ApplySyntheticFlags(f, spec); !s.ok()) return s;
  if (absl::Status s = ApplyLoadModelFlags(f, spec); !s.ok()) return s;
  // The adapter checks its options and resolves the URL now, before anything starts.
  if (!spec.url.empty()) {
    if (absl::Status s = ResolveApiEndpoint(&spec); !s.ok()) return s;
  }
  return spec;
}

}  // namespace llmload::master
