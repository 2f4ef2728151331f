#include "api/ndjson_splitter.h"

namespace llmload {
namespace {

void Dispatch(absl::string_view line, NdjsonSplitter::LineCallback on_line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // Whitespace-only lines carry no object.
  if (line.find_first_not_of(" \t\r") == absl::string_view::npos) return;
  on_line(line);
}

}  // namespace

NdjsonSplitter::NdjsonSplitter(size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

bool NdjsonSplitter::Feed(absl::string_view bytes, LineCallback on_line) {
  if (too_large_) return false;
  while (!bytes.empty()) {
    const size_t newline = bytes.find('\n');
    if (newline == absl::string_view::npos) {
      if (partial_.size() + bytes.size() > max_line_bytes_) {
        too_large_ = true;
        partial_.clear();
        return false;
      }
      partial_.append(bytes.data(), bytes.size());
      return true;
    }
    const absl::string_view piece = bytes.substr(0, newline);
    bytes.remove_prefix(newline + 1);
    if (partial_.empty()) {
      if (piece.size() > max_line_bytes_) {
        too_large_ = true;
        return false;
      }
      Dispatch(piece, on_line);
      continue;
    }
    if (partial_.size() + piece.size() > max_line_bytes_) {
      too_large_ = true;
      partial_.clear();
      return false;
    }
    partial_.append(piece.data(), piece.size());
    Dispatch(partial_, on_line);
    partial_.clear();
  }
  return true;
}

FramingEnd NdjsonSplitter::Finish() const {
  if (too_large_) return FramingEnd::kTooLarge;
  for (char c : partial_) {
    if (c != ' ' && c != '\t' && c != '\r') return FramingEnd::kPartialEvent;
  }
  return FramingEnd::kClean;
}

void NdjsonSplitter::Reset() {
  partial_.clear();
  too_large_ = false;
}

}  // namespace llmload
