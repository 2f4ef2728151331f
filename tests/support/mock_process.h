// Runs `llmload mock` as a child process on an ephemeral loopback port for integration tests,
// and reads its own counters (GET /mock/stats) so a test can compare what a load tester
// reported with what the server really served.
#ifndef LLMLOAD_TESTS_SUPPORT_MOCK_PROCESS_H_
#define LLMLOAD_TESTS_SUPPORT_MOCK_PROCESS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "support/subprocess.h"

namespace llmload::testing {

// A blocking GET on loopback; the body on HTTP 200, else nullopt.
std::optional<std::string> HttpGet(const std::string& url);

class MockProcess {
 public:
  // Starts `llmload mock --port 0 <args>` and waits for its "listening on" line.
  explicit MockProcess(std::vector<std::string> args);
  ~MockProcess();  // SIGTERM, then wait

  int port() const { return port_; }  // 0 when the mock did not start
  std::string url() const;            // http://127.0.0.1:PORT
  Subprocess& process() { return *process_; }
  // GET /mock/stats, parsed; an empty object on failure.
  nlohmann::json Stats() const;

 private:
  std::unique_ptr<Subprocess> process_;
  int port_ = 0;
};

}  // namespace llmload::testing

#endif  // LLMLOAD_TESTS_SUPPORT_MOCK_PROCESS_H_
