// Fuzzes api/openai_stream_decoder.h's streamed path: the input is one SSE data payload per
// line, decoded in order by one decoder as a request would be, then decoded again after Reset()
// (which must give the same answers: buffers are reused, state must not be). Each payload and
// the whole input also go through DecodeErrorBody. Checks the per-request counters against
// the chunk kinds returned.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "api/openai_stream_decoder.h"
#include "tests/fuzz/fuzz_input.h"

namespace llmload {
namespace {

struct Decoded {
  ChunkKind kind;
  bool has_finish_reason;
  bool has_usage;
  std::string text;
  bool operator==(const Decoded&) const = default;
};

std::vector<Decoded> DecodeAll(OpenAiStreamDecoder& decoder,
                               const std::vector<absl::string_view>& payloads) {
  std::vector<Decoded> out;
  int64_t content = 0, malformed = 0, text_bytes = 0;
  bool done = false, finish = false, usage = false;
  for (absl::string_view payload : payloads) {
    const ChunkInfo info = decoder.Decode(payload);
    FUZZ_CHECK(info.kind == ChunkKind::kContent || info.text.empty());
    FUZZ_CHECK(info.kind != ChunkKind::kContent || !info.text.empty());
    FUZZ_CHECK(ChunkKindName(info.kind) != "unknown");
    content += info.kind == ChunkKind::kContent;
    malformed += info.kind == ChunkKind::kMalformed;
    done |= info.kind == ChunkKind::kDone;
    finish |= info.has_finish_reason;
    usage |= info.has_usage;
    text_bytes += static_cast<int64_t>(info.text.size());
    out.push_back({info.kind, info.has_finish_reason, info.has_usage, std::string(info.text)});
  }
  FUZZ_CHECK(decoder.chunks() == static_cast<int64_t>(payloads.size()));
  FUZZ_CHECK(decoder.content_chunks() == content);
  FUZZ_CHECK(decoder.malformed_chunks() == malformed);
  FUZZ_CHECK(decoder.malformed_seen() == (malformed > 0));
  FUZZ_CHECK(decoder.done_seen() == done);
  FUZZ_CHECK(decoder.finish_seen() == finish);
  FUZZ_CHECK(decoder.usage().has_value() == usage);
  FUZZ_CHECK(decoder.complete() == (done || finish));
  // content_bytes counts every choice's text, ChunkInfo::text only the first choice's.
  FUZZ_CHECK(decoder.content_bytes() >= text_bytes);
  return out;
}

}  // namespace
}  // namespace llmload

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<absl::string_view> payloads = absl::StrSplit(input, '\n');
  llmload::OpenAiStreamDecoder decoder;
  const std::vector<llmload::Decoded> first = llmload::DecodeAll(decoder, payloads);
  decoder.Reset();
  FUZZ_CHECK(llmload::DecodeAll(decoder, payloads) == first);
  for (absl::string_view payload : payloads) (void)decoder.DecodeErrorBody(payload);
  (void)decoder.DecodeErrorBody(input);
  return 0;
}
