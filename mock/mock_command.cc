#include "mock/mock_command.h"

#include <string.h>

#include <cstdio>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/duration.h"
#include "common/stop_signals.h"
#include "mock/dialects/mock_dialect.h"
#include "mock/mock_server.h"

namespace llmload::mock {
namespace {

// Flag values as typed; durations and distributions are parsed by ToOptions().
struct MockFlags {
  MockOptions options;
  std::string ttft = "50ms";
  std::string itl = "10ms";
  std::string ttft_distribution = "constant";
  std::string itl_distribution = "constant";
  std::string ttft_stddev = "0s";
  std::string itl_stddev = "0s";
  int64_t output_tokens = 0;
};

absl::StatusOr<MockOptions> ToOptions(const MockFlags& f) {
  MockOptions o = f.options;
  auto parse = [](const std::string& text, const char* flag, absl::Duration* out) {
    absl::StatusOr<absl::Duration> d = ParseDuration(text, flag);
    if (d.ok()) *out = *d;
    return d.status();
  };
  if (auto s = parse(f.ttft, "--ttft", &o.ttft.mean); !s.ok()) return s;
  if (auto s = parse(f.itl, "--itl", &o.itl.mean); !s.ok()) return s;
  if (auto s = parse(f.ttft_stddev, "--ttft-stddev", &o.ttft.stddev); !s.ok()) return s;
  if (auto s = parse(f.itl_stddev, "--itl-stddev", &o.itl.stddev); !s.ok()) return s;
  absl::StatusOr<LatencyDistribution> td =
      ParseLatencyDistribution(f.ttft_distribution, "--ttft-distribution");
  if (!td.ok()) return td.status();
  o.ttft.distribution = *td;
  absl::StatusOr<LatencyDistribution> id =
      ParseLatencyDistribution(f.itl_distribution, "--itl-distribution");
  if (!id.ok()) return id.status();
  o.itl.distribution = *id;
  if (f.output_tokens != 0) o.output_tokens = f.output_tokens;
  if (absl::Status s = ValidateMockOptions(o); !s.ok()) return s;
  return o;
}

int RunMock(const MockFlags& flags) {
  absl::StatusOr<MockOptions> options = ToOptions(flags);
  if (!options.ok()) {
    std::fprintf(stderr, "llmload mock: %s\n", std::string(options.status().message()).c_str());
    return kExitBadInput;
  }
  // Block the stop signals before any loop thread exists (threads inherit the mask), then
  // wait for them synchronously here: no handler, no global flag.
  BlockStopSignals();

  absl::StatusOr<std::unique_ptr<MockServer>> server = MockServer::Start(*options);
  if (!server.ok()) {
    std::fprintf(stderr, "llmload mock: %s\n", std::string(server.status().message()).c_str());
    return server.status().code() == absl::StatusCode::kInvalidArgument ? kExitBadInput : 1;
  }
  std::printf("llmload mock listening on %s\n", (*server)->base_url().c_str());
  std::fflush(stdout);

  int signo = 0;
  while (signo == 0) signo = WaitForStopSignal(kNsPerSecond);
  (*server)->Stop();
  std::printf("llmload mock stopped (SIG%s): %s\n", sigabbrev_np(signo),
              (*server)->stats().Summary().c_str());
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace

void AddMockCommand(CLI::App& parent, CommandAction* action) {
  auto flags = std::make_shared<MockFlags>();
  MockOptions& o = flags->options;
  o.port = 8000;
  CLI::App* cmd = parent.add_subcommand(
      "mock", "Serve a simulated OpenAI-compatible LLM endpoint (no GPU needed).");
  cmd->add_option("--host", o.host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", o.port, "Port to listen on (0: an ephemeral port)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--threads", o.threads, "Event-loop threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--ttft", flags->ttft, "Time to first token (mean), e.g. 50ms")
      ->capture_default_str();
  cmd->add_option("--itl", flags->itl, "Inter-token latency (mean), e.g. 10ms")
      ->capture_default_str();
  cmd->add_option("--ttft-distribution", flags->ttft_distribution,
                  "constant|uniform|normal|exponential")
      ->capture_default_str();
  cmd->add_option("--itl-distribution", flags->itl_distribution,
                  "constant|uniform|normal|exponential")
      ->capture_default_str();
  cmd->add_option("--ttft-stddev", flags->ttft_stddev, "Standard deviation for uniform/normal TTFT")
      ->capture_default_str();
  cmd->add_option("--itl-stddev", flags->itl_stddev, "Standard deviation for uniform/normal ITL")
      ->capture_default_str();
  cmd->add_option("--output-tokens", flags->output_tokens,
                  "Fixed output length (capped by the request's max_tokens)")
      ->check(CLI::Range(int64_t{1}, kMaxOutputTokenLimit));
  cmd->add_option("--default-output-tokens", o.default_output_tokens,
                  "Output length when neither --output-tokens nor max_tokens says")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, kMaxOutputTokenLimit));
  cmd->add_option("--error-rate", o.error_rate,
                  "Fraction of completion requests answered with --error-status")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--error-status", o.error_status, "HTTP status of injected errors")
      ->capture_default_str()
      ->check(CLI::Range(400, 599));
  cmd->add_option("--truncate-rate", o.truncate_rate,
                  "Fraction of completion responses cut off mid-stream")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--seed", o.seed, "Seed of token text, jitter, errors, truncation")
      ->capture_default_str();
  cmd->add_option("--max-body-bytes", o.max_body_bytes, "Larger request bodies get 413")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1} << 30));
  cmd->add_option("--model", o.model, "Model id listed by GET /v1/models")->capture_default_str();
  // Range-checked by ValidateMockOptions, whose message also explains the --threads split.
  cmd->add_option("--max-concurrency", o.max_concurrency,
                  "Completion requests generated at once; more wait in a FIFO (0: no limit)")
      ->capture_default_str();
  cmd->callback([flags, action] { *action = [flags] { return RunMock(*flags); }; });
}

}  // namespace llmload::mock
