// Runs `llmload mock` as a child process on an ephemeral loopback port for integration tests,
// and reads its own counters (GET /mock/stats) so a test can compare what a load tester
// reported with what the server really served.
#ifndef LLMLOAD_TESTS_SUPPORT_MOCK_PROCESS_H_
#define LLMLOAD_TESTS_SUPPORT_MOCK_PROCESS_H_

#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "support/server_process.h"

namespace llmload::testing {

class MockProcess : public ServerProcess {
 public:
  // Starts `llmload mock --port 0 <args>` and waits for its "listening on" line.
  explicit MockProcess(std::vector<std::string> args);

  // GET /mock/stats, parsed; an empty object on failure.
  nlohmann::json Stats() const { return GetJson("/mock/stats"); }
};

}  // namespace llmload::testing

#endif  // LLMLOAD_TESTS_SUPPORT_MOCK_PROCESS_H_
