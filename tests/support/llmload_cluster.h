// Test support for distributed runs on loopback: `llmload master` and `llmload agent`
// processes, and a free loopback port for a process that needs its port up front.
#ifndef LLMLOAD_TESTS_SUPPORT_LLMLOAD_CLUSTER_H_
#define LLMLOAD_TESTS_SUPPORT_LLMLOAD_CLUSTER_H_

#include <memory>
#include <string>
#include <vector>

#include "support/subprocess.h"

namespace llmload::testing {

// A master process and its gRPC address.
struct MasterProcess {
  std::unique_ptr<Subprocess> process;
  std::string address;  // 127.0.0.1:PORT; empty if it never said it was listening
};

// The line llmload prints when it serves /metrics on loopback ("llmload metrics on ..." or
// "llmload agent metrics on ..."); group 1 is the port.
inline constexpr char kMetricsPortPattern[] =
    R"(metrics on http://(?:127\.0\.0\.1):([0-9]+)/metrics)";

// Starts `llmload master --bind <bind> <args>` and waits (30 s at most) for its
// "listening" line.
MasterProcess StartMaster(std::vector<std::string> args, const std::string& bind = "127.0.0.1:0");

// Starts `llmload agent --master <master> --threads 1 <args>` (no --threads 1 when `args` has
// its own).
std::unique_ptr<Subprocess> StartAgent(const std::string& master, std::vector<std::string> args);

// A loopback port nobody listens on right now (the kernel's pick for an ephemeral bind), for
// a process that must be told its port; 0 on failure.
int FreeLoopbackPort();

}  // namespace llmload::testing

#endif  // LLMLOAD_TESTS_SUPPORT_LLMLOAD_CLUSTER_H_
