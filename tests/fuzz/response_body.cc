// Fuzzes OpenAiStreamDecoder::DecodeResponseBody (api/openai_stream_decoder.h), the decoder
// of non-streamed response bodies: the input is one body. Decoding it twice with the same
// decoder (its buffers reused) must give the same answer, and the answer must be consistent
// with its kind.
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "api/openai_stream_decoder.h"
#include "tests/fuzz/fuzz_input.h"

namespace llmload {
namespace {

bool Same(const ResponseInfo& a, const ResponseInfo& b) {
  return a.kind == b.kind && a.text == b.text && a.finish_reason == b.finish_reason &&
         a.usage == b.usage && a.error.message == b.error.message &&
         a.error.type == b.error.type && a.error.code == b.error.code;
}

}  // namespace
}  // namespace llmload

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using llmload::ChunkKind;
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  llmload::OpenAiStreamDecoder decoder;
  const llmload::ResponseInfo info = decoder.DecodeResponseBody(body);
  FUZZ_CHECK(info.kind != ChunkKind::kDone);
  FUZZ_CHECK((info.kind == ChunkKind::kContent) == !info.text.empty());
  if (info.kind == ChunkKind::kMalformed) {
    FUZZ_CHECK(info.finish_reason.empty() && !info.usage.has_value());
  }
  FUZZ_CHECK(llmload::Same(decoder.DecodeResponseBody(body), info));
  // The body decoder leaves the stream state alone.
  FUZZ_CHECK(decoder.chunks() == 0 && !decoder.usage().has_value() && !decoder.error_seen());
  return 0;
}
