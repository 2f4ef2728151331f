// The two CSV outputs of a run: one row per request (--csv-out), appended as stats deltas
// arrive so a long run never holds every record in memory, and the per-interval history
// (--csv-stats), one row per stats tick, Locust's stats_history in spirit.
#ifndef LLMLOAD_MASTER_CSV_OUTPUT_H_
#define LLMLOAD_MASTER_CSV_OUTPUT_H_

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/interval_stats.h"
#include "common/prompt.h"
#include "master/live_snapshot.h"

namespace llmload::master {

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
using UniqueFile = std::unique_ptr<FILE, FileCloser>;

// Opens `path` for writing, with an error that names the flag and the path.
absl::StatusOr<UniqueFile> OpenOutputFile(const std::string& path, const char* flag);

class RequestCsvWriter {
 public:
  static absl::StatusOr<RequestCsvWriter> Open(const std::string& path,
                                               const std::vector<Prompt>* prompts);
  void Append(const std::vector<RequestRecord>& records);
  void Flush();

 private:
  UniqueFile file_;
  const std::vector<Prompt>* prompts_ = nullptr;
};

class StatsCsvWriter {
 public:
  static absl::StatusOr<StatsCsvWriter> Open(const std::string& path);
  void Append(const LiveSnapshot& snap);
  void Flush();

 private:
  UniqueFile file_;
};

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_CSV_OUTPUT_H_
