#include "support/mock_process.h"

namespace llmload::testing {
namespace {

std::vector<std::string> MockArgv(std::vector<std::string> args) {
  std::vector<std::string> argv = {LlmloadBinary(), "mock", "--port", "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace

MockProcess::MockProcess(std::vector<std::string> args)
    : ServerProcess(MockArgv(std::move(args)),
                    R"(llmload mock listening on http://[^ ]+:([0-9]+)\n)") {}

}  // namespace llmload::testing
