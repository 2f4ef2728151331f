#include "master/run_command.h"

#include <cstdio>
#include <memory>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "agent/load_engine.h"
#include "agent/model_discovery.h"
#include "api/api_table.h"
#include "common/clock.h"
#include "common/duration.h"
#include "common/fd_limit.h"
#include "common/redact.h"
#include "master/local_load_source.h"
#include "master/prometheus_exporter.h"
#include "master/run_loop.h"
#include "master/sweep_flags.h"
#include "master/workload_flags.h"
#include "mock/mock_server.h"

namespace llmload::master {
namespace {

struct RunFlags {
  std::string command = "run";  // "run", or "sweep" (with its search flags)
  SweepFlags sweep;
  WorkloadFlags workload;
  OutputFlags outputs;
  MetricsFlags metrics;
  int threads = 0;
  std::string window = "10s";
  std::string mock_ttft = "50ms";
  std::string mock_itl = "10ms";
  int mock_output_tokens = 0;
};

int Run(RunFlags& flags) {
  const std::string prefix = "llmload " + flags.command;
  auto Fail = [&prefix](const absl::Status& status) {
    std::fprintf(stderr, "%s: %s\n", prefix.c_str(), std::string(status.message()).c_str());
    return kExitBadInput;
  };
  const FdLimits fd_limits = RaiseFdLimit();  // before any socket: one connection per user
  flags.workload.record_requests = flags.outputs.needs_request_records();
  absl::StatusOr<WorkloadSpec> spec = BuildWorkloadSpec(flags.workload);
  if (!spec.ok()) return Fail(spec.status());
  std::optional<SweepConfig> sweep;
  if (flags.command == "sweep") {
    // The in-process engine hands its stats over every 250 ms (agent/engine_shared.h).
    absl::StatusOr<SweepConfig> setup =
        ApplySweepFlags(flags.sweep, flags.workload, absl::Milliseconds(250), &*spec);
    if (!setup.ok()) return Fail(setup.status());
    sweep = *setup;
  }
  absl::StatusOr<absl::Duration> window = ParseStatsWindow(flags.window);
  if (!window.ok()) return Fail(window.status());
  absl::StatusOr<RunOutputs> outputs = PrepareRunOutputs(flags.outputs, &spec->prompts);
  if (!outputs.ok()) return Fail(outputs.status());
  absl::StatusOr<absl::Duration> linger = ParseDuration(flags.metrics.linger, "--metrics-linger");
  if (!linger.ok()) return Fail(linger.status());

  std::unique_ptr<mock::MockServer> mock_server;
  if (spec->url.empty()) {
    mock::MockOptions mock_options;
    mock_options.host = "127.0.0.1";
    mock_options.port = 0;
    auto ttft = ParseDuration(flags.mock_ttft, "--mock-ttft");
    if (!ttft.ok()) return Fail(ttft.status());
    auto itl = ParseDuration(flags.mock_itl, "--mock-itl");
    if (!itl.ok()) return Fail(itl.status());
    mock_options.ttft.mean = *ttft;
    mock_options.itl.mean = *itl;
    if (flags.mock_output_tokens > 0) mock_options.output_tokens = flags.mock_output_tokens;
    auto server = mock::MockServer::Start(mock_options);
    if (!server.ok()) return Fail(server.status());
    mock_server = std::move(*server);
    const std::string base = absl::StrCat("http://127.0.0.1:", mock_server->port());
    spec->url = base;
    if (absl::Status s = ResolveApiEndpoint(&*spec); !s.ok()) return Fail(s);
    // The mock answers to any model: an API without a model list gets the mock's own name.
    if (spec->model.empty() && !FindApi(spec->api)->lists_models) {
      spec->model = mock_options.model;
    }
    std::fprintf(stderr,
                 "%s: no --url given: started the built-in mock at %s "
                 "(ttft %s, itl %s); pass --url to test a real endpoint\n",
                 prefix.c_str(), base.c_str(), flags.mock_ttft.c_str(), flags.mock_itl.c_str());
  }
  std::string warning;
  if (const std::string notice = ApiNotice(*spec); !notice.empty()) {
    std::fprintf(stderr, "%s: %s\n", prefix.c_str(), notice.c_str());
  }
  if (absl::Status s = agent::FillModelIfMissing(&*spec, &warning); !s.ok()) {
    if (!absl::IsCancelled(s)) return Fail(s);
    std::fprintf(stderr, "%s: stopped before the run started: %s\n", prefix.c_str(),
                 std::string(s.message()).c_str());
    return kExitInterrupted;
  }
  if (!warning.empty()) std::fprintf(stderr, "%s: warning: %s\n", prefix.c_str(), warning.c_str());
  if (auto fd_warning = FdLimitWarning(spec->open_loop ? spec->max_concurrency : spec->users,
                                       fd_limits, mock_server ? 2 : 1)) {
    std::fprintf(stderr, "%s: warning: %s\n", prefix.c_str(), fd_warning->c_str());
  }

  const std::string run_id = NewRunId();
  // Serving before the load starts, so the first scrape already knows the run.
  absl::StatusOr<std::unique_ptr<PrometheusExporter>> exporter =
      StartPrometheusExporter(flags.metrics, run_id, spec->model);
  if (!exporter.ok()) return Fail(exporter.status());

  agent::EngineOptions engine_options;
  engine_options.threads = flags.threads;
  auto engine = agent::LoadEngine::Create(*spec, engine_options);
  if (!engine.ok()) return Fail(engine.status());
  (*engine)->Start(MonotonicNowNs());
  LocalLoadSource source(std::move(*engine));
  // The engine has its own copy; from here on the spec is only shown, without the URL's password.
  spec->url = RedactUrl(spec->url);

  RunInfo info;
  info.id = run_id;
  info.mode = "users";
  info.users = spec->users;
  info.spawn_rate = spec->spawn_rate;
  info.agents = 1;
  info.url = spec->url;
  info.model = spec->model;
  info.api = spec->api;

  RunLoopOptions options;
  options.stats_window = *window;
  options.sweep = sweep;
  if (*exporter) {
    options.on_tick = [e = exporter->get()](const LiveSnapshot& snap, const Aggregator& agg) {
      e->Update(snap, agg);
    };
  }
  const int code = RunLoad(source, *spec, info, options, std::move(*outputs));
  LingerForScrape(exporter->get(), *linger);
  return code;
}

}  // namespace

namespace {

// `llmload run`, and `llmload sweep` (the same flags plus the search's).
void AddRunLikeCommand(CLI::App& parent, CommandAction* action, const std::string& name) {
  auto flags = std::make_shared<RunFlags>();
  flags->command = name;
  CLI::App* cmd = parent.add_subcommand(
      name, name == "sweep"
                ? "Search the endpoint's capacity from this process: the synchronous rate, the "
                  "maximum throughput, then rates between (--sweep rates) or the highest rate "
                  "under the SLOs (--sweep find-max)"
                : "Run a load test from this process (master + one in-process agent)");
  AddWorkloadFlags(*cmd, flags->workload);
  if (name == "sweep") AddSweepFlags(*cmd, flags->sweep, "rates");
  AddOutputFlags(*cmd, flags->outputs);
  AddMetricsFlags(*cmd, flags->metrics);
  cmd->add_option("--threads", flags->threads, "Event-loop threads (default: one per core)")
      ->check(CLI::Range(1, 1024))
      ->group("Engine");
  cmd->add_option("--window", flags->window,
                  "Sliding window for the live 'current' QPS and percentiles")
      ->capture_default_str()
      ->group("Output");
  cmd->add_option("--mock-ttft", flags->mock_ttft, "Built-in mock's TTFT (when no --url)")
      ->capture_default_str()
      ->group("Built-in mock");
  cmd->add_option("--mock-itl", flags->mock_itl, "Built-in mock's inter-token latency")
      ->capture_default_str()
      ->group("Built-in mock");
  cmd->add_option("--mock-output-tokens", flags->mock_output_tokens,
                  "Built-in mock's reply length (default: the request's max_tokens, else 128)")
      ->check(CLI::Range(1, 1 << 20))
      ->group("Built-in mock");
  cmd->callback([flags, action] { *action = [flags] { return Run(*flags); }; });
}

}  // namespace

void AddRunCommand(CLI::App& parent, CommandAction* action) {
  AddRunLikeCommand(parent, action, "run");
}

void AddSweepCommand(CLI::App& parent, CommandAction* action) {
  AddRunLikeCommand(parent, action, "sweep");
}

}  // namespace llmload::master
