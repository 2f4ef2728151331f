// Finding what it takes to run an official API client from tests/clients/ under node: the
// node binary on $PATH and the client's npm package installed there, with a message saying
// how to get whichever is missing.
#ifndef LLMLOAD_TESTS_SUPPORT_NODE_CLIENT_H_
#define LLMLOAD_TESTS_SUPPORT_NODE_CLIENT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "support/run_tools.h"  // FindOnPath

namespace llmload::testing {

// argv for `node tests/clients/<script> <args...>`; FailedPrecondition saying what to install
// when node or tests/clients/node_modules/<package> is missing.
absl::StatusOr<std::vector<std::string>> NodeClientArgv(const std::string& script,
                                                        const std::string& package,
                                                        const std::vector<std::string>& args);

}  // namespace llmload::testing

#endif  // LLMLOAD_TESTS_SUPPORT_NODE_CLIENT_H_
