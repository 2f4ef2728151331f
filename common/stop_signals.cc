#include "common/stop_signals.h"

#include <pthread.h>
#include <signal.h>

#include "common/clock.h"

namespace llmload {
namespace {

sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void BlockStopSignals() {
  const sigset_t set = StopSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForStopSignal(int64_t timeout_ns) {
  const sigset_t set = StopSignals();
  timespec ts{timeout_ns / kNsPerSecond, timeout_ns % kNsPerSecond};
  const int sig = sigtimedwait(&set, nullptr, &ts);
  return sig > 0 ? sig : 0;
}

}  // namespace llmload
