// Runs tests/support/hostile_server.mjs (node, built-ins only) as a child process on an
// ephemeral loopback port: an OpenAI-compatible endpoint that misbehaves in one way per path
// prefix (endless streams, huge bodies, bad usage, wrong headers, resets), so that integration
// tests can check that llmload stays bounded and reports each fault in its own class.
#ifndef LLMLOAD_TESTS_SUPPORT_HOSTILE_SERVER_H_
#define LLMLOAD_TESTS_SUPPORT_HOSTILE_SERVER_H_

#include <string>

#include "nlohmann/json.hpp"
#include "support/server_process.h"

namespace llmload::testing {

class HostileServer : public ServerProcess {
 public:
  // Starts the server and waits for its "listening on port" line.
  HostileServer();

  // http://127.0.0.1:PORT/<behaviour>/v1/chat/completions
  std::string endpoint(const std::string& behaviour) const;
  // GET /stats: {"connections": N, "requests": N}; an empty object on failure.
  nlohmann::json Stats() const { return GetJson("/stats"); }
};

}  // namespace llmload::testing

#endif  // LLMLOAD_TESTS_SUPPORT_HOSTILE_SERVER_H_
