#include "common/usable_cores.h"

#include <sched.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

namespace llmload {

std::optional<int> CoresFromCpuMax(const std::string& cpu_max) {
  std::istringstream in(cpu_max);
  std::string quota;
  long long period = 0;
  if (!(in >> quota >> period) || quota == "max" || period <= 0) return std::nullopt;
  long long q = 0;
  try {
    q = std::stoll(quota);
  } catch (...) {
    return std::nullopt;
  }
  if (q <= 0) return std::nullopt;
  return static_cast<int>(std::max<long long>(1, (q + period - 1) / period));
}

int UsableCores() {
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) cores = std::min(cores, CPU_COUNT(&set));
  std::ifstream f("/sys/fs/cgroup/cpu.max");
  std::string line;
  if (f && std::getline(f, line)) {
    if (std::optional<int> quota = CoresFromCpuMax(line)) cores = std::min(cores, *quota);
  }
  return std::max(1, cores);
}

}  // namespace llmload
