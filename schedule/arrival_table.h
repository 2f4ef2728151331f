// The table of open-loop arrival processes (`--arrival NAME`): an explicit list rather than
// static self-registration, which a static library silently drops. Adding a process is one
// file pair beside the others plus one entry in arrival_table.cc. Also the seeds of the
// streams: one run seed gives every agent's every thread its own, reproducible stream.
#ifndef LLMLOAD_SCHEDULE_ARRIVAL_TABLE_H_
#define LLMLOAD_SCHEDULE_ARRIVAL_TABLE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "schedule/arrival_process.h"

namespace llmload::schedule {

struct ArrivalEntry {
  absl::string_view name;
  absl::string_view description;  // one line, for --help
  bool uses_burstiness;           // whether --burstiness changes anything
  // `burstiness` is finite and > 0 (CreateArrivalProcess checks it).
  std::unique_ptr<ArrivalProcess> (*create)(double burstiness, uint64_t seed);
};

// The entry called `name`, or nullptr.
const ArrivalEntry* FindArrival(absl::string_view name);

// Every name, in table order (the first is the default, poisson).
std::vector<std::string> ArrivalNames();

// The process `name` seeded with `seed` (a StreamSeed). InvalidArgument for an unknown name
// (listing the known ones) or a burstiness that is not a finite number > 0, whichever process
// is named: the flag is checked the same way for every process.
absl::StatusOr<std::unique_ptr<ArrivalProcess>> CreateArrivalProcess(absl::string_view name,
                                                                     double burstiness,
                                                                     uint64_t seed);

// The seed of one stream of a run: thread `thread_index` of agent `agent_index`. splitmix64
// mixing, so nearby indices and seeds give unrelated streams (independent Poisson shares whose
// merge is Poisson) and the same run seed gives the same streams again.
uint64_t StreamSeed(uint64_t run_seed, uint64_t agent_index, uint64_t thread_index);

}  // namespace llmload::schedule

#endif  // LLMLOAD_SCHEDULE_ARRIVAL_TABLE_H_
