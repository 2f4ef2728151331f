#include "support/node_client.h"

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "support/run_tools.h"
#include "support/subprocess.h"

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

absl::StatusOr<nlohmann::json> RunNodeClient(const std::string& script, const std::string& package,
                                             const std::vector<std::string>& args,
                                             std::chrono::seconds timeout) {
  absl::StatusOr<std::vector<std::string>> argv = NodeClientArgv(script, package, args);
  if (!argv.ok()) return argv.status();
  Subprocess client(*argv);
  const std::optional<int> code = client.Wait(timeout);
  const std::string out = client.Output();
  if (code != 0) {
    return absl::InternalError(absl::StrCat(
        script, code ? absl::StrCat(" exited with ", *code) : std::string(" timed out"), ":\n",
        out));
  }
  const size_t brace = out.find('{');
  const nlohmann::json report = brace == std::string::npos
                                    ? nlohmann::json()
                                    : nlohmann::json::parse(out.substr(brace), nullptr, false);
  if (!report.is_object()) {
    return absl::InternalError(absl::StrCat(script, " printed no JSON object:\n", out));
  }
  return report;
}

}  // namespace llmload::testing
