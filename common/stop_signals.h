// Stop-signal handling shared by every long-running command: SIGINT, SIGTERM and SIGHUP (a
// closed terminal or a supervisor's reload must stop a run gracefully, with every file
// written, not kill it). The signals are blocked in all threads (call BlockStopSignals
// before creating any) and taken synchronously by the one loop that decides what stopping
// means, so no handler runs at an arbitrary point and no global flag is needed.
#ifndef LLMLOAD_COMMON_STOP_SIGNALS_H_
#define LLMLOAD_COMMON_STOP_SIGNALS_H_

#include <cstdint>

namespace llmload {

// Blocks the stop signals in the calling thread; threads created later inherit the mask.
void BlockStopSignals();

// Waits up to `timeout_ns` for a stop signal; returns the signal number, or 0.
int WaitForStopSignal(int64_t timeout_ns);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_STOP_SIGNALS_H_
