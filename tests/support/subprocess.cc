#include "support/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

extern char** environ;

namespace llmload::testing {

std::string MakeTempDir() {
  std::string tmpl = "/tmp/llmload-test-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) return "/tmp";
  return tmpl;
}

std::string LlmloadBinary() { return LLMLOAD_BINARY; }

Subprocess::Subprocess(std::vector<std::string> argv) {
  // Servers a test starts listen on loopback only. llmload's /metrics defaults to 0.0.0.0 (what
  // a Kubernetes scrape needs), so an llmload run, master or agent that names no
  // --metrics-bind of its own serves it on a free loopback port instead: started directly, or
  // by /usr/bin/env with variables for it.
  const auto llmload = argv.empty() || argv[0] != "/usr/bin/env"
                           ? argv.begin()
                           : std::find(argv.begin(), argv.end(), LlmloadBinary());
  if (llmload != argv.end() && llmload + 1 != argv.end() && *llmload == LlmloadBinary() &&
      (llmload[1] == "run" || llmload[1] == "master" || llmload[1] == "agent") &&
      std::none_of(llmload, argv.end(),
                   [](const std::string& a) { return a.rfind("--metrics-bind", 0) == 0; })) {
    argv.push_back("--metrics-bind");
    argv.push_back("127.0.0.1:0");
  }
  log_path_ = MakeTempDir() + "/output.log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  if (posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) pid_ = -1;
  posix_spawn_file_actions_destroy(&actions);
}

Subprocess::~Subprocess() {
  if (Running()) {
    Signal(SIGKILL);
    Wait(std::chrono::seconds(5));
  }
  // The log's own temporary directory goes with it.
  const std::filesystem::path dir = std::filesystem::path(log_path_).parent_path();
  if (dir.string().rfind("/tmp/llmload-test-", 0) == 0) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
}

std::string Subprocess::Output() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<std::string> Subprocess::WaitForOutput(const std::string& regex,
                                                     std::chrono::milliseconds timeout) {
  const std::regex re(regex);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::string out = Output();
    std::smatch m;
    if (std::regex_search(out, m, re)) return m.size() > 1 ? m[1].str() : m[0].str();
    if (!Running()) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

void Subprocess::Signal(int signo) {
  if (pid_ > 0 && !exit_code_) kill(pid_, signo);
}

bool Subprocess::Running() {
  if (pid_ <= 0 || exit_code_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return r == 0;
}

std::optional<int> Subprocess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_code_;
}

}  // namespace llmload::testing
