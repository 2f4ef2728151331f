// OutputFile: one result file of a run (--json-out, --csv-out, --csv-stats, and every writer
// added later). A measuring tool must never lose a result or leave a wrong one behind, so:
//  - CheckOutputPath() validates a path at parse time without creating or truncating anything,
//    and a file is created only once the run is sure to start: a run that fails before its
//    first request leaves an earlier result of the same name as it was;
//  - a kReplaceWhenDone file (a report written once, at the end) goes to a temporary file
//    beside its target and is renamed onto it by Close(), so an interrupted, killed or failed
//    write never leaves half a report in place;
//  - a kStreamed file (rows appended as the run goes) is written in place, and Flush() hands
//    the rows to the kernel, so a process killed with SIGKILL keeps every row flushed;
//  - a path that exists and is not a regular file (/dev/stdout, /dev/full, a FIFO) is always
//    written in place: renaming onto it would replace the device node;
//  - the first write, flush, sync or close error is kept and Close() reports it with the
//    flag, the path and the errno text, so the caller can exit non-zero.
#ifndef LLMLOAD_MASTER_OUTPUT_FILE_H_
#define LLMLOAD_MASTER_OUTPUT_FILE_H_

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace llmload::master {

// Whether `path` can take the output of `flag`: not a directory, and either an existing file
// or device this process may write, or a new name in a directory it may write. Creates
// nothing. The error names the flag and the path.
absl::Status CheckOutputPath(const std::string& path, absl::string_view flag);

// Refuses two outputs aimed at the same file (the same name, or two names of one existing
// file): their rows would be interleaved or one would replace the other. `outputs` holds
// (flag, path) pairs; empty paths are ignored.
absl::Status CheckDistinctOutputPaths(
    const std::vector<std::pair<absl::string_view, std::string>>& outputs);

class OutputFile {
 public:
  enum class Mode { kReplaceWhenDone, kStreamed };

  // Creates the file (or the temporary file of a kReplaceWhenDone output). `flag` names the
  // output in errors.
  static absl::StatusOr<std::unique_ptr<OutputFile>> Create(const std::string& path,
                                                            absl::string_view flag, Mode mode);
  struct PassKey {
   private:
    PassKey() = default;
    friend class OutputFile;
  };
  OutputFile(PassKey, std::string path, std::string flag)
      : path_(std::move(path)), flag_(std::move(flag)) {}
  ~OutputFile();  // not closed: the temporary file is removed, a streamed file closed as is
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void Write(absl::string_view bytes);
  // Hands what was written to the kernel (it survives the process from then on).
  void Flush();
  // Flushes, syncs a regular file to disk, closes, and (kReplaceWhenDone) renames the
  // temporary file onto the target. OK only if every step since Create succeeded.
  absl::Status Close();

  // The first error so far, e.g. "--csv-out 'r.csv': write failed: No space left on device";
  // empty while there is none.
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }

 private:
  void Fail(absl::string_view what, int errno_value);

  struct FileCloser {
    void operator()(FILE* f) const { std::fclose(f); }
  };
  std::string path_;
  std::string flag_;
  std::string target_;     // the file itself (links followed), where temp_path_ goes
  std::string temp_path_;  // kReplaceWhenDone onto a regular file: where it is written
  bool regular_ = false;   // the target is (or will be) a regular file
  std::unique_ptr<FILE, FileCloser> file_;
  std::string error_;
};

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_OUTPUT_FILE_H_
