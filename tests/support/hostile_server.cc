#include "support/hostile_server.h"

#include "absl/strings/str_cat.h"

namespace llmload::testing {

HostileServer::HostileServer()
    : ServerProcess({"/usr/bin/env", "node",
                     std::string(LLMLOAD_SOURCE_DIR) + "/tests/support/hostile_server.mjs"},
                    R"(hostile server listening on port ([0-9]+)\n)") {}

std::string HostileServer::endpoint(const std::string& behaviour) const {
  return absl::StrCat(url(), "/", behaviour, "/v1/chat/completions");
}

}  // namespace llmload::testing
