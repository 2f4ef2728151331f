// ConsoleView: the live view of a running test. On a terminal it redraws a small table in
// place; otherwise (CI logs, pipes) it prints one progress line per refresh, so logs stay
// readable. It writes to stderr, keeping stdout for the final summary.
#ifndef LLMLOAD_MASTER_CONSOLE_VIEW_H_
#define LLMLOAD_MASTER_CONSOLE_VIEW_H_

#include <cstdio>
#include <string>

#include "master/live_snapshot.h"

namespace llmload::master {

class ConsoleView {
 public:
  // `tty`: whether `out` is an interactive terminal (redraw in place).
  ConsoleView(FILE* out, bool tty) : out_(out), tty_(tty) {}

  void Show(const LiveSnapshot& snap);
  // A message between refreshes (e.g. "cannot connect"), kept above the live table.
  void Note(const std::string& message);

  static std::string FormatLine(const LiveSnapshot& snap);
  static std::string FormatTable(const LiveSnapshot& snap);

 private:
  FILE* out_;
  bool tty_;
  int drawn_lines_ = 0;
};

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_CONSOLE_VIEW_H_
