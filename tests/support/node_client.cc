#include "support/node_client.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "support/run_tools.h"

namespace llmload::testing {

absl::StatusOr<std::vector<std::string>> NodeClientArgv(const std::string& script,
                                                        const std::string& package,
                                                        const std::vector<std::string>& args) {
  const std::string clients = std::string(LLMLOAD_SOURCE_DIR) + "/tests/clients";
  const std::string node = FindOnPath("node");
  if (node.empty()) {
    return absl::FailedPreconditionError(
        "node is not on PATH: install the test tools with scripts/install-deps.sh "
        "--with-test-tools");
  }
  const std::string modules = absl::StrCat(clients, "/node_modules/", package);
  if (!IsDirectory(modules)) {
    return absl::FailedPreconditionError(absl::StrCat(
        modules, " is missing: run `(cd tests/clients && npm ci)` (scripts/test.sh does this)"));
  }
  std::vector<std::string> argv = {node, absl::StrCat(clients, "/", script)};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace llmload::testing
