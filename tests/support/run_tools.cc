#include "support/run_tools.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <utility>

#include "absl/strings/str_split.h"
#include "support/subprocess.h"

namespace llmload::testing {

RunResult RunLlmload(std::vector<std::string> args, std::chrono::seconds timeout) {
  return RunLlmloadWithEnv({}, std::move(args), timeout);
}

RunResult RunLlmloadWithEnv(std::vector<std::string> env, std::vector<std::string> args,
                            std::chrono::seconds timeout) {
  std::vector<std::string> argv;
  if (!env.empty()) {
    argv.push_back("/usr/bin/env");
    argv.insert(argv.end(), env.begin(), env.end());
  }
  argv.push_back(LlmloadBinary());
  argv.insert(argv.end(), args.begin(), args.end());
  Subprocess p(argv);
  RunResult r;
  r.exit_code = p.Wait(timeout);
  r.output = p.Output();
  return r;
}

std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path ? path : "/usr/bin:/bin", ':')) {
    std::string candidate = std::string(dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace llmload::testing
