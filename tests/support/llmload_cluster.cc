#include "support/llmload_cluster.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>

namespace llmload::testing {

MasterProcess StartMaster(std::vector<std::string> args, const std::string& bind) {
  std::vector<std::string> argv = {LlmloadBinary(), "master", "--bind", bind};
  argv.insert(argv.end(), args.begin(), args.end());
  MasterProcess m;
  m.process = std::make_unique<Subprocess>(argv);
  std::optional<std::string> port = m.process->WaitForOutput(
      R"(llmload master listening on 127\.0\.0\.1:([0-9]+))", std::chrono::seconds(30));
  if (port) m.address = "127.0.0.1:" + *port;
  return m;
}

std::unique_ptr<Subprocess> StartAgent(const std::string& master, std::vector<std::string> args) {
  std::vector<std::string> argv = {LlmloadBinary(), "agent", "--master", master};
  if (std::find(args.begin(), args.end(), "--threads") == args.end()) {
    argv.insert(argv.end(), {"--threads", "1"});
  }
  argv.insert(argv.end(), args.begin(), args.end());
  return std::make_unique<Subprocess>(argv);
}

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

}  // namespace llmload::testing
