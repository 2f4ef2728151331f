// Starts a child process for integration tests and stops it by its pid (never by name).
// Its stdout and stderr go to a file so a test can wait for a line such as the port a
// server bound, and print the whole log when an assertion fails. An llmload run, master or
// agent started without a --metrics-bind gets one on a free loopback port: servers a test
// starts listen on loopback only.
#ifndef LLMLOAD_TESTS_SUPPORT_SUBPROCESS_H_
#define LLMLOAD_TESTS_SUPPORT_SUBPROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace llmload::testing {

class Subprocess {
 public:
  // Starts argv[0] with the given arguments. Output goes to a fresh temporary file.
  explicit Subprocess(std::vector<std::string> argv);
  ~Subprocess();  // SIGKILLs the child if it is still running
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  bool started() const { return pid_ > 0; }

  // Everything the child wrote so far.
  std::string Output() const;
  // Waits until the output matches `regex`; returns the first capture group (or the whole
  // match), or nullopt on timeout or when the child exits first.
  std::optional<std::string> WaitForOutput(const std::string& regex,
                                           std::chrono::milliseconds timeout);

  void Signal(int signo);
  // Waits for the child to exit; returns its exit code (128+signal if killed), or nullopt
  // on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  bool Running();

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  std::optional<int> exit_code_;
};

// The path of the llmload binary under test.
std::string LlmloadBinary();

// A fresh temporary directory for one test's files.
std::string MakeTempDir();

// Polls `condition` every `every` until it holds or `timeout` passes; its last answer.
template <typename Condition>
bool PollFor(Condition condition, std::chrono::milliseconds timeout,
             std::chrono::milliseconds every = std::chrono::milliseconds(50)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(every);
  }
  return condition();
}

}  // namespace llmload::testing

#endif  // LLMLOAD_TESTS_SUPPORT_SUBPROCESS_H_
