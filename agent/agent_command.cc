#include "agent/agent_command.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <tuple>

#include "CLI/CLI.hpp"
#include "agent/agent_client.h"
#include "common/duration.h"
#include "common/host_port.h"
#include "common/metrics_endpoint.h"
#include "common/pem_file.h"

namespace llmload::agent {
namespace {

struct AgentFlags {
  std::string master;
  std::string token;
  std::string agent_id;
  int threads = 0;
  std::string stats_interval = "1s";
  std::string tls_ca, tls_cert, tls_key;
  std::string metrics_bind;
};

int Run(const AgentFlags& flags) {
  for (auto [address, flag, allow_zero] :
       {std::tuple{&flags.master, "--master", false},
        std::tuple{&flags.metrics_bind, "--metrics-bind", true}}) {
    if (address == &flags.metrics_bind && MetricsBindDisabled(flags.metrics_bind)) continue;
    absl::StatusOr<HostPort> parsed = ParseHostPort(*address, flag, allow_zero);
    if (!parsed.ok()) {
      std::fprintf(stderr, "llmload agent: %s\n", std::string(parsed.status().message()).c_str());
      return kExitBadInput;
    }
  }
  AgentOptions options;
  options.master = flags.master;
  options.token = flags.token;
  if (options.token.empty()) {
    if (const char* env = std::getenv("LLMLOAD_TOKEN")) options.token = env;
  }
  options.agent_id = flags.agent_id;
  options.threads = flags.threads;
  absl::StatusOr<absl::Duration> interval = ParseDuration(flags.stats_interval, "--stats-interval");
  if (!interval.ok() || *interval < absl::Milliseconds(100)) {
    std::fprintf(stderr, "llmload agent: %s\n",
                 interval.ok() ? "--stats-interval: at least 100ms"
                               : std::string(interval.status().message()).c_str());
    return kExitBadInput;
  }
  options.stats_interval = *interval;
  if (flags.tls_cert.empty() != flags.tls_key.empty()) {
    std::fprintf(stderr, "llmload agent: --tls-cert and --tls-key go together\n");
    return kExitBadInput;
  }
  if (!flags.tls_cert.empty() && flags.tls_ca.empty()) {
    std::fprintf(stderr, "llmload agent: --tls-cert needs --tls-ca (the master's CA)\n");
    return kExitBadInput;
  }
  for (auto [path, flag, pem] : {std::tuple{&flags.tls_ca, "--tls-ca", &options.tls_ca_pem},
                                 std::tuple{&flags.tls_cert, "--tls-cert", &options.tls_cert_pem},
                                 std::tuple{&flags.tls_key, "--tls-key", &options.tls_key_pem}}) {
    if (path->empty()) continue;
    absl::StatusOr<std::string> read = ReadPemFile(*path, flag);
    if (!read.ok()) {
      std::fprintf(stderr, "llmload agent: %s\n", std::string(read.status().message()).c_str());
      return kExitBadInput;
    }
    *pem = std::move(*read);
  }
  options.metrics_bind = flags.metrics_bind;
  AgentClient client(options);
  return client.Run();
}

}  // namespace

void AddAgentCommand(CLI::App& parent, CommandAction* action) {
  auto flags = std::make_shared<AgentFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "agent", "Generate load for a master (llmload master); all work comes from the master");
  cmd->add_option("--master", flags->master, "The master's gRPC address, HOST:PORT")->required();
  cmd->add_option("--token", flags->token,
                  "Shared secret the master expects (default: $LLMLOAD_TOKEN)");
  cmd->add_option("--agent-id", flags->agent_id,
                  "Name in the master's reports (default: HOST-PID-RANDOM); the master renames a "
                  "second agent of the same id to ID~2");
  cmd->add_option("--threads", flags->threads, "Event-loop threads (default: one per core)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--stats-interval", flags->stats_interval,
                  "How often to send stats (a master started with --stats-interval overrides it)")
      ->capture_default_str();
  cmd->add_option("--tls-ca", flags->tls_ca,
                  "PEM CA certificate to verify the master (enables TLS)")
      ->group("TLS");
  cmd->add_option("--tls-cert", flags->tls_cert, "PEM client certificate for mTLS")->group("TLS");
  cmd->add_option("--tls-key", flags->tls_key, "PEM private key of --tls-cert")->group("TLS");
  cmd->add_option("--metrics-bind", flags->metrics_bind,
                  "Serve this agent's own Prometheus /metrics (CPU, loop lag, in-flight, users) "
                  "on HOST:PORT (port 0: any free); default off")
      ->group("Output");
  cmd->callback([flags, action] { *action = [flags] { return Run(*flags); }; });
}

}  // namespace llmload::agent
