// UsableCores: how many CPUs this process may really use, for the default --threads and the
// agent's weight in the master's split. std::thread::hardware_concurrency() counts the node's
// CPUs, but a container limited to 2 cores on a 64-core node must neither start 64 event
// loops nor be given 32 times the users of its peers.
#ifndef LLMLOAD_COMMON_USABLE_CORES_H_
#define LLMLOAD_COMMON_USABLE_CORES_H_

#include <optional>
#include <string>

namespace llmload {

// The smallest of: the CPUs in this thread's affinity mask, and the cgroup v2 CPU quota
// (/sys/fs/cgroup/cpu.max) rounded up; at least 1.
int UsableCores();

// The quota of a cgroup v2 cpu.max line ("200000 100000" -> 2, "150000 100000" -> 2), or
// nullopt for "max ..." (no limit) and anything malformed.
std::optional<int> CoresFromCpuMax(const std::string& cpu_max);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_USABLE_CORES_H_
