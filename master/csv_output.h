// The two CSV outputs of a run: one row per request (--csv-out), appended as stats deltas
// arrive so a long run never holds every record in memory, and the per-interval history
// (--csv-stats), one row per stats tick, Locust's stats_history in spirit. Both are streamed
// OutputFiles (master/output_file.h): rows reach the kernel at every Flush(), and Close()
// reports any write error.
#ifndef LLMLOAD_MASTER_CSV_OUTPUT_H_
#define LLMLOAD_MASTER_CSV_OUTPUT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/interval_stats.h"
#include "common/prompt.h"
#include "master/live_snapshot.h"
#include "master/output_file.h"

namespace llmload::master {

class RequestCsvWriter {
 public:
  static absl::StatusOr<RequestCsvWriter> Open(const std::string& path,
                                               const std::vector<Prompt>* prompts);
  void Append(const std::vector<RequestRecord>& records);
  void Flush() { file_->Flush(); }
  absl::Status Close() { return file_->Close(); }
  const std::string& error() const { return file_->error(); }

 private:
  std::unique_ptr<OutputFile> file_;
  const std::vector<Prompt>* prompts_ = nullptr;
};

class StatsCsvWriter {
 public:
  static absl::StatusOr<StatsCsvWriter> Open(const std::string& path);
  void Append(const LiveSnapshot& snap);
  void Flush() { file_->Flush(); }
  absl::Status Close() { return file_->Close(); }
  const std::string& error() const { return file_->error(); }

 private:
  std::unique_ptr<OutputFile> file_;
};

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_CSV_OUTPUT_H_
