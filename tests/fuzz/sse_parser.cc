// Fuzzes api/sse_parser.h with arbitrary bytes cut into arbitrary reads. The oracle: the same
// bytes fed in one read and in pieces give the same events, status and end, as the parser
// promises for any split; a Reset() parser gives them again.
//
// Input: 4 control bytes (bit 0: a small event limit, so the size limit is reached; bits 1-8:
// that limit; bits 9-14: the largest read; bits 16-31: the split seed), then the stream.
#include "api/sse_parser.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tests/fuzz/fuzz_input.h"

namespace llmload {
namespace {

struct Event {
  std::string type;
  std::string data;
  bool operator==(const Event&) const = default;
};

struct Outcome {
  std::vector<Event> events;
  bool ok = true;
  SseParser::End end = SseParser::End::kClean;
  std::string last_event_id;
  bool operator==(const Outcome&) const = default;
};

Outcome Run(SseParser& parser, const std::vector<absl::string_view>& reads, size_t max_event) {
  Outcome out;
  for (absl::string_view read : reads) {
    absl::Status status = parser.Feed(read, [&](absl::string_view type, absl::string_view data) {
      FUZZ_CHECK(data.size() <= max_event);
      // Lines end at CR or LF, so neither can be inside a field; LF joins data lines.
      FUZZ_CHECK(type.find_first_of("\r\n") == absl::string_view::npos);
      FUZZ_CHECK(data.find('\r') == absl::string_view::npos);
      out.events.push_back({std::string(type), std::string(data)});
    });
    FUZZ_CHECK(status == parser.status());
  }
  out.ok = parser.status().ok();
  out.last_event_id = std::string(parser.last_event_id());
  FUZZ_CHECK(parser.events_dispatched() == static_cast<int64_t>(out.events.size()));
  out.end = parser.Finish();
  FUZZ_CHECK(out.ok == (out.end != SseParser::End::kError));
  return out;
}

}  // namespace
}  // namespace llmload

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using llmload::SseParser;
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  const uint64_t control = llmload::fuzz::TakeFront(&input, 4);
  const size_t max_event =
      (control & 1) != 0 ? 1 + ((control >> 1) & 0xFF) : SseParser::kDefaultMaxEventBytes;
  const size_t max_read = (control >> 9) & 0x3F;
  const std::vector<absl::string_view> reads =
      llmload::fuzz::SplitBytes(input, control >> 16, max_read);

  SseParser whole(max_event);
  const llmload::Outcome expected = llmload::Run(whole, {input}, max_event);
  if (expected.ok) FUZZ_CHECK(whole.bytes_fed() == static_cast<int64_t>(input.size()));

  SseParser split(max_event);
  FUZZ_CHECK(llmload::Run(split, reads, max_event) == expected);
  split.Reset();
  FUZZ_CHECK(llmload::Run(split, {input}, max_event) == expected);
  return 0;
}
