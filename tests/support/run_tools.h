// Running the programs an integration test drives to its end: `llmload` itself (RunLlmload,
// for a run that exits by itself) and the tools found on PATH (node, curl) that official
// clients run under. One copy for every test, so each says only what it checks.
#ifndef LLMLOAD_TESTS_SUPPORT_RUN_TOOLS_H_
#define LLMLOAD_TESTS_SUPPORT_RUN_TOOLS_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace llmload::testing {

struct RunResult {
  std::optional<int> exit_code;  // nullopt: it had to be killed at the timeout
  std::string output;            // stdout and stderr
};

// Runs `llmload <args>` to its end (killed after `timeout`).
RunResult RunLlmload(std::vector<std::string> args,
                     std::chrono::seconds timeout = std::chrono::seconds(120));
// The same under env(1) with `env` before llmload: NAME=VALUE sets a variable, "-u", NAME
// unsets one, for llmload only (the test's own environment, which other children inherit, is
// left alone).
RunResult RunLlmloadWithEnv(std::vector<std::string> env, std::vector<std::string> args,
                            std::chrono::seconds timeout = std::chrono::seconds(120));

// The absolute path of `name` on $PATH, or "" (Subprocess does not search PATH).
std::string FindOnPath(const std::string& name);

bool IsDirectory(const std::string& path);

}  // namespace llmload::testing

#endif  // LLMLOAD_TESTS_SUPPORT_RUN_TOOLS_H_
