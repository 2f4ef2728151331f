// A server started as a child process for integration tests (`llmload mock`, the hostile
// endpoint): it binds an ephemeral loopback port and prints it; the test waits for that line,
// talks to it over HTTP, and stops it by its pid (SIGTERM) when done.
#ifndef LLMLOAD_TESTS_SUPPORT_SERVER_PROCESS_H_
#define LLMLOAD_TESTS_SUPPORT_SERVER_PROCESS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "support/subprocess.h"

namespace llmload::testing {

// A blocking GET on loopback; the body on HTTP 200, else nullopt.
std::optional<std::string> HttpGet(const std::string& url);

class ServerProcess {
 public:
  // Starts `argv` and waits until its output matches `port_regex`, whose first capture group
  // is the port.
  ServerProcess(std::vector<std::string> argv, const std::string& port_regex);
  ~ServerProcess();  // SIGTERM, then wait
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }  // 0 when the server did not start
  std::string url() const;            // http://127.0.0.1:PORT
  Subprocess& process() { return *process_; }
  // GET url() + path, parsed; an empty object on failure.
  nlohmann::json GetJson(const std::string& path) const;

 private:
  std::unique_ptr<Subprocess> process_;
  int port_ = 0;
};

}  // namespace llmload::testing

#endif  // LLMLOAD_TESTS_SUPPORT_SERVER_PROCESS_H_
