#include "api/sse_parser.h"

#include <cstring>

#include "absl/strings/str_cat.h"

namespace llmload {
namespace {

constexpr char kBom[] = "\xEF\xBB\xBF";
constexpr int kBomSize = 3;
// Starting capacities: a typical OpenAI chunk is 150-400 bytes, so events fit without growth.
constexpr size_t kInitialBufferBytes = 4096;
// On Reset(), buffers that grew past this are given back: thousands of virtual users each own a
// parser, and one huge event must not pin megabytes per user for the rest of the run.
constexpr size_t kKeepBufferBytes = 1 << 20;

void ReleaseIfLarge(std::string& s) {
  if (s.capacity() > kKeepBufferBytes) {
    std::string().swap(s);
    s.reserve(kInitialBufferBytes);
  }
}

}  // namespace

SseParser::SseParser(size_t max_event_bytes) : max_event_bytes_(max_event_bytes) {
  line_.reserve(kInitialBufferBytes);
  data_.reserve(kInitialBufferBytes);
  event_type_.reserve(64);
  last_event_id_.reserve(64);
}

void SseParser::Reset() {
  line_.clear();
  data_.clear();
  event_type_.clear();
  last_event_id_.clear();
  ReleaseIfLarge(line_);
  ReleaseIfLarge(data_);
  skip_lf_ = false;
  bom_matched_ = 0;
  bom_done_ = false;
  event_pending_ = false;
  status_ = absl::OkStatus();
  bytes_fed_ = 0;
  events_dispatched_ = 0;
}

absl::Status SseParser::Feed(absl::string_view bytes, EventCallback on_event) {
  if (!status_.ok()) return status_;
  bytes_fed_ += static_cast<int64_t>(bytes.size());
  // The BOM may itself be split across reads, so it is matched byte by byte.
  while (!bom_done_ && !bytes.empty()) {
    if (bytes.front() == kBom[bom_matched_]) {
      bytes.remove_prefix(1);
      if (++bom_matched_ == kBomSize) bom_done_ = true;
    } else {
      bom_done_ = true;
      // Not a BOM after all: the bytes held back are ordinary stream content.
      FeedLines(absl::string_view(kBom, bom_matched_), on_event);
    }
  }
  if (!bytes.empty()) FeedLines(bytes, on_event);
  return status_;
}

void SseParser::FeedLines(absl::string_view bytes, EventCallback on_event) {
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  if (skip_lf_ && p < end) {
    if (*p == '\n') ++p;
    skip_lf_ = false;
  }
  // The next LF is remembered between lines so that a CR-only stream stays linear.
  const char* lf = nullptr;
  bool lf_known = false;
  while (p < end && status_.ok()) {
    if (!lf_known || (lf != nullptr && lf < p)) {
      lf = static_cast<const char*>(std::memchr(p, '\n', end - p));
      lf_known = true;
    }
    const char* const scan_end = lf != nullptr ? lf : end;
    const char* cr = static_cast<const char*>(std::memchr(p, '\r', scan_end - p));
    const char* const eol = cr != nullptr ? cr : lf;
    if (eol == nullptr) {
      // An incomplete line: keep it for the next read.
      const size_t n = end - p;
      if (data_.size() + line_.size() + n > max_event_bytes_) {
        status_ = absl::ResourceExhaustedError(
            absl::StrCat("SSE event larger than ", max_event_bytes_, " bytes"));
        break;
      }
      line_.append(p, n);
      break;
    }
    const absl::string_view piece(p, eol - p);
    // The same limit whether the line came in one read or several, so the split never
    // changes the outcome.
    if (data_.size() + line_.size() + piece.size() > max_event_bytes_) {
      status_ = absl::ResourceExhaustedError(
          absl::StrCat("SSE event larger than ", max_event_bytes_, " bytes"));
      break;
    }
    if (line_.empty()) {
      ProcessLine(piece, on_event);  // the common case: the whole line is in this read
    } else {
      line_.append(piece.data(), piece.size());
      ProcessLine(line_, on_event);
      line_.clear();
    }
    p = eol + 1;
    if (*eol == '\r') {
      if (p < end) {
        if (*p == '\n') ++p;
      } else {
        skip_lf_ = true;  // the LF of this CRLF, if any, arrives with the next read
      }
    }
  }
  if (!status_.ok()) {
    // The stream is unusable from here on; give the memory back now.
    std::string().swap(line_);
    std::string().swap(data_);
  }
}

void SseParser::ProcessLine(absl::string_view line, EventCallback on_event) {
  if (line.empty()) {
    Dispatch(on_event);
    return;
  }
  if (line.front() == ':') return;  // comment, e.g. a keep-alive
  absl::string_view field = line;
  absl::string_view value;
  if (const size_t colon = line.find(':'); colon != absl::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (data_.size() + value.size() + 1 > max_event_bytes_) {
      status_ = absl::ResourceExhaustedError(
          absl::StrCat("SSE event larger than ", max_event_bytes_, " bytes"));
      return;
    }
    data_.append(value.data(), value.size());
    data_.push_back('\n');
    event_pending_ = true;
  } else if (field == "event") {
    event_type_.assign(value.data(), value.size());
    event_pending_ = true;
  } else if (field == "id") {
    // The spec ignores an id containing NUL.
    if (value.find('\0') == absl::string_view::npos) {
      last_event_id_.assign(value.data(), value.size());
    }
  }
  // Anything else (`retry:`, unknown names) is ignored, as the spec requires.
}

void SseParser::Dispatch(EventCallback on_event) {
  event_pending_ = false;
  if (data_.empty()) {  // no data line: per the spec, nothing to dispatch
    event_type_.clear();
    return;
  }
  data_.pop_back();  // the '\n' after the last data line
  ++events_dispatched_;
  on_event(event_type_.empty() ? absl::string_view("message") : absl::string_view(event_type_),
           data_);
  data_.clear();
  event_type_.clear();
}

SseParser::End SseParser::Finish() {
  if (!status_.ok()) return End::kError;
  const bool partial = event_pending_ || !line_.empty() || (!bom_done_ && bom_matched_ > 0);
  line_.clear();
  data_.clear();
  event_type_.clear();
  event_pending_ = false;
  return partial ? End::kPartialEvent : End::kClean;
}

FramingEnd FramingEndOf(SseParser::End end) {
  switch (end) {
    case SseParser::End::kClean:
      return FramingEnd::kClean;
    case SseParser::End::kPartialEvent:
      return FramingEnd::kPartialEvent;
    case SseParser::End::kError:
      return FramingEnd::kTooLarge;
  }
  return FramingEnd::kPartialEvent;
}

}  // namespace llmload
