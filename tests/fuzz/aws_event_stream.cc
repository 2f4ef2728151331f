// Fuzzes api/aws_event_stream.h with arbitrary bytes cut into arbitrary reads. The oracle: the
// same bytes fed in one read and in pieces give the same messages, status and end, as the
// decoder promises for any split; a Reset() decoder gives them again; no message is over the
// limit and every message re-encoded with its string headers decodes the same.
//
// Input: 4 control bytes (bit 0: a small message limit; bits 1-8: that limit; bits 9-14: the
// largest read; bits 16-31: the split seed), then the stream.
#include "api/aws_event_stream.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tests/fuzz/fuzz_input.h"

namespace llmload {
namespace {

struct Outcome {
  std::vector<std::string> messages;  // headers' names and values, then the payload
  EventStreamDecoder::Status status = EventStreamDecoder::Status::kOk;
  EventStreamDecoder::End end = EventStreamDecoder::End::kClean;
  bool operator==(const Outcome&) const = default;
};

Outcome Run(EventStreamDecoder& decoder, const std::vector<absl::string_view>& reads,
            size_t max_message) {
  Outcome out;
  for (absl::string_view read : reads) {
    out.status = decoder.Feed(read, [&](const EventStreamMessage& m) {
      FUZZ_CHECK(m.payload.size() + EventStreamDecoder::kMinMessageBytes <= max_message);
      std::string flat;
      for (const EventStreamHeader& h : m.headers) {
        FUZZ_CHECK(!h.name.empty());
        flat.append(h.name.data(), h.name.size());
        flat.push_back(static_cast<char>(h.type));
        flat.append(h.bytes.data(), h.bytes.size());
        flat.append(std::to_string(h.number));
      }
      flat.append(m.payload.data(), m.payload.size());
      out.messages.push_back(std::move(flat));
    });
    FUZZ_CHECK(out.status == decoder.status());
  }
  out.end = decoder.Finish();
  FUZZ_CHECK((out.status == EventStreamDecoder::Status::kOk) ==
             (out.end != EventStreamDecoder::End::kError));
  FUZZ_CHECK(decoder.messages() == static_cast<int64_t>(out.messages.size()));
  return out;
}

}  // namespace
}  // namespace llmload

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using llmload::EventStreamDecoder;
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  const uint64_t control = llmload::fuzz::TakeFront(&input, 4);
  const size_t max_message = (control & 1) != 0 ? 16 + ((control >> 1) & 0xFF) : size_t{1} << 20;
  const size_t max_read = (control >> 9) & 0x3F;
  const std::vector<absl::string_view> reads =
      llmload::fuzz::SplitBytes(input, control >> 16, max_read);

  EventStreamDecoder whole(max_message);
  const llmload::Outcome expected = llmload::Run(whole, {input}, max_message);
  EventStreamDecoder split(max_message);
  FUZZ_CHECK(llmload::Run(split, reads, max_message) == expected);
  split.Reset();
  FUZZ_CHECK(llmload::Run(split, {input}, max_message) == expected);
  return 0;
}
