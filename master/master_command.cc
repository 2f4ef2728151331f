#include "master/master_command.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "agent/model_discovery.h"
#include "api/api_table.h"
#include "common/clock.h"
#include "common/duration.h"
#include "common/host_port.h"
#include "common/pem_file.h"
#include "common/redact.h"
#include "common/stop_signals.h"
#include "master/agent_registry.h"
#include "master/coordinator_service.h"
#include "master/prometheus_exporter.h"
#include "master/run_loop.h"
#include "master/sweep_flags.h"
#include "master/workload_flags.h"

namespace llmload::master {
namespace {

struct MasterFlags {
  WorkloadFlags workload;
  SweepFlags sweep;  // --sweep: a distributed capacity search
  OutputFlags outputs;
  MetricsFlags metrics;
  std::string window = "10s";
  std::string bind = "0.0.0.0:5557";
  int expect_agents = 1;
  std::string expect_agents_timeout = "5m";
  std::string token;
  bool insecure_no_token = false;
  std::string stats_interval;  // empty: each agent's own --stats-interval
  std::string tls_cert, tls_key, tls_ca;
};

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "llmload master: %s\n", std::string(status.message()).c_str());
  return kExitBadInput;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(const MasterFlags& f) {
  if (f.tls_cert.empty() && f.tls_key.empty()) {
    if (!f.tls_ca.empty())
      return absl::InvalidArgumentError("--tls-ca needs --tls-cert and --tls-key");
    return grpc::InsecureServerCredentials();
  }
  if (f.tls_cert.empty() || f.tls_key.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  auto cert = ReadPemFile(f.tls_cert, "--tls-cert");
  if (!cert.ok()) return cert.status();
  auto key = ReadPemFile(f.tls_key, "--tls-key");
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions ssl(
      f.tls_ca.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                       : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  if (!f.tls_ca.empty()) {
    auto ca = ReadPemFile(f.tls_ca, "--tls-ca");
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *ca;  // mTLS: agents must present a certificate this CA signed
  }
  ssl.pem_key_cert_pairs.push_back({*key, *cert});
  return grpc::SslServerCredentials(ssl);
}

int Run(MasterFlags& flags) {
  flags.workload.record_requests = flags.outputs.needs_request_records();
  if (flags.workload.url.empty()) {
    return Fail(absl::InvalidArgumentError(
        "--url is required: agents run elsewhere and must reach the endpoint themselves "
        "(for a dry run, point it at an `llmload mock` they can reach)"));
  }
  absl::StatusOr<WorkloadSpec> spec = BuildWorkloadSpec(flags.workload);
  if (!spec.ok()) return Fail(spec.status());
  auto window = ParseStatsWindow(flags.window);
  if (!window.ok()) return Fail(window.status());
  absl::StatusOr<RunOutputs> outputs = PrepareRunOutputs(flags.outputs, &spec->prompts);
  if (!outputs.ok()) return Fail(outputs.status());
  auto wait_limit = ParseDuration(flags.expect_agents_timeout, "--expect-agents-timeout");
  if (!wait_limit.ok()) return Fail(wait_limit.status());
  absl::Duration stats_interval = absl::ZeroDuration();
  if (!flags.stats_interval.empty()) {
    auto parsed = ParseDuration(flags.stats_interval, "--stats-interval");
    if (!parsed.ok()) return Fail(parsed.status());
    if (*parsed < absl::Milliseconds(100)) {
      return Fail(absl::InvalidArgumentError("--stats-interval: at least 100ms"));
    }
    stats_interval = *parsed;
  }
  std::optional<SweepConfig> sweep;
  if (!flags.sweep.sweep.empty()) {
    // The agents hand over their stats every --stats-interval (theirs: 1 s by default).
    absl::StatusOr<SweepConfig> setup = ApplySweepFlags(
        flags.sweep, flags.workload,
        stats_interval > absl::ZeroDuration() ? stats_interval : absl::Seconds(1), &*spec);
    if (!setup.ok()) return Fail(setup.status());
    sweep = *setup;
  }
  auto linger = ParseDuration(flags.metrics.linger, "--metrics-linger");
  if (!linger.ok()) return Fail(linger.status());
  absl::StatusOr<HostPort> bind = ParseHostPort(flags.bind, "--bind", /*allow_port_zero=*/true);
  if (!bind.ok()) return Fail(bind.status());
  std::string token = flags.token;
  if (token.empty()) {
    if (const char* env = std::getenv("LLMLOAD_TOKEN")) token = env;
  }
  // Every agent that joins gets the assignment, the endpoint's API key included.
  if (token.empty() && !IsLoopbackHost(bind->host) && !flags.insecure_no_token) {
    return Fail(absl::InvalidArgumentError(absl::StrCat(
        "--bind ", flags.bind,
        " is reachable from other machines, and without a token anyone who can reach it can "
        "join as an agent and receive the run's assignment, the endpoint's API key included: "
        "pass --token (or set $LLMLOAD_TOKEN) on the master and the agents, bind a loopback "
        "address (--bind 127.0.0.1:5557), or accept the risk with --insecure-no-token")));
  }
  auto creds = ServerCredentials(flags);
  if (!creds.ok()) return Fail(creds.status());

  std::string warning;
  if (const std::string notice = ApiNotice(*spec); !notice.empty()) {
    std::fprintf(stderr, "llmload master: %s\n", notice.c_str());
  }
  if (absl::Status s = agent::FillModelIfMissing(&*spec, &warning); !s.ok()) {
    if (!absl::IsCancelled(s)) return Fail(s);
    std::fprintf(stderr, "llmload master: stopped before the run started: %s\n",
                 std::string(s.message()).c_str());
    return kExitInterrupted;
  }
  if (!warning.empty()) std::fprintf(stderr, "llmload master: warning: %s\n", warning.c_str());

  RegistryOptions registry_options;
  registry_options.run_id = NewRunId();
  registry_options.stats_interval = stats_interval;
  // Serving while agents connect, so a Prometheus sees the run from its first second.
  absl::StatusOr<std::unique_ptr<PrometheusExporter>> exporter =
      StartPrometheusExporter(flags.metrics, registry_options.run_id, spec->model);
  if (!exporter.ok()) return Fail(exporter.status());
  AgentRegistry registry(*spec, registry_options);
  // The registry has its own copy for the agents; from here on the spec is only shown.
  spec->url = RedactUrl(spec->url);
  CoordinatorService service(registry, token);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(flags.bind, *creds, &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "llmload master: cannot listen on %s (in use, or not a HOST:PORT?)\n",
                 flags.bind.c_str());
    return 1;
  }
  const std::string host = flags.bind.substr(0, flags.bind.rfind(':'));
  std::printf("llmload master listening on %s:%d (gRPC); run %s; waiting for %d agent(s)\n",
              host.c_str(), port, registry_options.run_id.c_str(), flags.expect_agents);
  std::fflush(stdout);

  std::atomic<bool> ticking{true};
  std::thread ticker([&] {
    while (ticking.load()) {
      registry.Tick();
      for (int i = 0; i < 10 && ticking.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  });
  auto shutdown = [&](const std::string& reason) {
    registry.QuitAll(reason);
    ticking.store(false);
    ticker.join();
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  };

  const int64_t wait_until = MonotonicNowNs() + absl::ToInt64Nanoseconds(*wait_limit);
  int last_count = -1;
  while (registry.ConnectedAgents() < flags.expect_agents) {
    const std::string notice = registry.TakeNotice();
    if (!notice.empty()) std::fprintf(stderr, "%s\n", notice.c_str());
    const int count = registry.ConnectedAgents();
    if (count != last_count) {
      std::fprintf(stderr, "llmload master: %d of %d agent(s) connected\n", count,
                   flags.expect_agents);
      last_count = count;
    }
    if (WaitForStopSignal(200 * kNsPerMs) != 0) {
      std::fprintf(stderr, "llmload master: interrupted while waiting for agents\n");
      shutdown("master interrupted");
      return 1;
    }
    if (MonotonicNowNs() > wait_until) {
      std::fprintf(stderr,
                   "llmload master: only %d of %d agent(s) connected within %s "
                   "(--expect-agents-timeout); check that agents can reach this master\n",
                   registry.ConnectedAgents(), flags.expect_agents,
                   flags.expect_agents_timeout.c_str());
      shutdown("master gave up waiting for agents");
      return 1;
    }
  }

  RunInfo info;
  info.id = registry_options.run_id;
  info.mode = "users";
  info.users = spec->users;
  info.spawn_rate = spec->spawn_rate;
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
  const int code = RunLoad(registry, *spec, info, options, std::move(*outputs));
  shutdown("run finished");
  LingerForScrape(exporter->get(), *linger);
  return code;
}

}  // namespace

void AddMasterCommand(CLI::App& parent, CommandAction* action) {
  auto flags = std::make_shared<MasterFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "master", "Coordinate agents (llmload agent) over gRPC and merge their stats");
  AddWorkloadFlags(*cmd, flags->workload);
  AddSweepFlags(*cmd, flags->sweep, "");
  AddOutputFlags(*cmd, flags->outputs);
  AddMetricsFlags(*cmd, flags->metrics);
  cmd->add_option("--window", flags->window, "Sliding window for 'current' QPS and percentiles")
      ->capture_default_str()
      ->group("Output");
  cmd->add_option("--bind", flags->bind, "gRPC address agents connect to (port 0: any free)")
      ->capture_default_str()
      ->group("Distributed");
  cmd->add_option("--expect-agents", flags->expect_agents,
                  "Wait for this many agents before starting")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000))
      ->group("Distributed");
  cmd->add_option("--expect-agents-timeout", flags->expect_agents_timeout,
                  "Give up if they have not all connected by then")
      ->capture_default_str()
      ->group("Distributed");
  cmd->add_option("--token", flags->token,
                  "Shared secret agents must present (default: $LLMLOAD_TOKEN)")
      ->group("Distributed");
  cmd->add_flag("--insecure-no-token", flags->insecure_no_token,
                "Allow a non-loopback --bind without --token (anyone reaching it can join and "
                "receive the endpoint's API key)")
      ->group("Distributed");
  cmd->add_option("--stats-interval", flags->stats_interval,
                  "How often agents send stats (default: each agent's own --stats-interval, 1s)")
      ->group("Distributed");
  cmd->add_option("--tls-cert", flags->tls_cert, "PEM server certificate (enables TLS)")
      ->group("TLS");
  cmd->add_option("--tls-key", flags->tls_key, "PEM private key of --tls-cert")->group("TLS");
  cmd->add_option("--tls-ca", flags->tls_ca,
                  "PEM CA: require agents to present a certificate it signed (mTLS)")
      ->group("TLS");
  cmd->callback([flags, action] { *action = [flags] { return Run(*flags); }; });
}

}  // namespace llmload::master
