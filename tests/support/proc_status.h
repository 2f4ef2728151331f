// Reading what the kernel says of a test's child process (/proc/PID/status), e.g. its peak
// memory, for the tests that bound llmload's memory whatever a server or a flag asks of it.
#ifndef LLMLOAD_TESTS_SUPPORT_PROC_STATUS_H_
#define LLMLOAD_TESTS_SUPPORT_PROC_STATUS_H_

#include <sys/types.h>

#include <cstdint>

namespace llmload::testing {

// VmHWM (peak resident set) of a live process in KiB, or 0 when it cannot be read (gone).
int64_t PeakRssKiB(pid_t pid);

}  // namespace llmload::testing

#endif  // LLMLOAD_TESTS_SUPPORT_PROC_STATUS_H_
