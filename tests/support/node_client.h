// Running an official API client from tests/clients/ under node: finding the node binary on
// $PATH and the client's npm package installed there (with a message saying how to get
// whichever is missing), and reading the JSON report the client prints of what it parsed.
#ifndef LLMLOAD_TESTS_SUPPORT_NODE_CLIENT_H_
#define LLMLOAD_TESTS_SUPPORT_NODE_CLIENT_H_

#include <chrono>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "support/run_tools.h"  // FindOnPath

namespace llmload::testing {

// argv for `node tests/clients/<script> <args...>`; FailedPrecondition saying what to install
// when node or tests/clients/node_modules/<package> is missing.
absl::StatusOr<std::vector<std::string>> NodeClientArgv(const std::string& script,
                                                        const std::string& package,
                                                        const std::vector<std::string>& args);

// Runs that client to its end (killed after `timeout`) and returns the JSON object it printed
// (the output from its first '{'). An error, with everything it printed, when it cannot run,
// does not exit 0, or prints no JSON object.
absl::StatusOr<nlohmann::json> RunNodeClient(
    const std::string& script, const std::string& package, const std::vector<std::string>& args,
    std::chrono::seconds timeout = std::chrono::seconds(120));

}  // namespace llmload::testing

#endif  // LLMLOAD_TESTS_SUPPORT_NODE_CLIENT_H_
