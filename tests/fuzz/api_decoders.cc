// Fuzzes the response decoder of every API in the table (api/api_table.h): whatever a server
// sends, each decoder must give the same content chunks and the same end-of-response facts
// whether the bytes arrive in one read or cut anywhere, and again after Reset(). A new API is
// fuzzed here as soon as it has its table entry.
//
// Input: 4 control bytes (byte 0: which API; byte 1 bit 0: streamed, bit 1: a small
// --max-response-bytes (64 + byte 1 >> 2), so the size limit is reached; bytes 2-3: the split
// seed, and through it the largest read), then the response body.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "api/api_table.h"
#include "tests/fuzz/fuzz_input.h"

namespace llmload {
namespace {

struct Decoded {
  std::string content;  // every chunk's text, each followed by a separator byte
  int64_t chunks = 0;
  int64_t tokens = 0;
  bool refused = false;
  ResponseFacts facts;
};

bool SameFacts(const ResponseFacts& a, const ResponseFacts& b) {
  return a.framing == b.framing && a.complete == b.complete && a.api_error == b.api_error &&
         a.api_error_class == b.api_error_class && a.malformed == b.malformed &&
         a.usage == b.usage && a.usage_invalid == b.usage_invalid &&
         a.server.total_ns == b.server.total_ns && a.server.prompt_ns == b.server.prompt_ns &&
         a.server.decode_ns == b.server.decode_ns && a.server.queue_ns == b.server.queue_ns &&
         a.error_message == b.error_message;
}

Decoded Run(ResponseDecoder& decoder, const std::vector<absl::string_view>& reads) {
  Decoded out;
  for (absl::string_view read : reads) {
    const bool keep = decoder.Feed(read, [&](const ContentChunk& chunk) {
      out.content.append(chunk.text.data(), chunk.text.size());
      out.content.push_back('\0');
      ++out.chunks;
      FUZZ_CHECK(chunk.tokens >= -1);
      out.tokens += chunk.tokens;
    });
    if (!keep) {
      out.refused = true;
      break;  // the engine stops the transfer at once
    }
  }
  out.facts = decoder.Finish();
  if (out.refused) FUZZ_CHECK(out.facts.framing == FramingEnd::kTooLarge);
  if (out.facts.usage) {
    FUZZ_CHECK(!out.facts.usage_invalid);
  }
  return out;
}

WorkloadSpec SpecFor(const ApiEntry& entry, bool stream, int64_t max_bytes) {
  WorkloadSpec spec;
  spec.api = std::string(entry.name);
  spec.url = "http://127.0.0.1:1";
  spec.model = "m";
  spec.api_key = "k";
  spec.stream = stream;
  spec.max_response_bytes = max_bytes;
  spec.prompts = {{"p", "hello"}};
  // Fake credentials for APIs that sign: decoding does not depend on them.
  for (absl::string_view name : absl::StrSplit(entry.credential_env, ',', absl::SkipEmpty())) {
    spec.credentials.emplace_back(std::string(name), "AKIDEXAMPLE");
  }
  return spec;
}

}  // namespace
}  // namespace llmload

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace llmload;
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  const uint64_t control = fuzz::TakeFront(&input, 4);
  const absl::Span<const ApiEntry> table = ApiTable();
  const ApiEntry& entry = table[(control & 0xFF) % table.size()];
  const bool stream = ((control >> 8) & 1) != 0;
  const int64_t max_bytes =
      ((control >> 9) & 1) != 0 ? 64 + static_cast<int64_t>((control >> 10) & 0x3F) : 1 << 20;
  absl::StatusOr<std::unique_ptr<ApiAdapter>> adapter =
      CreateApiAdapter(SpecFor(entry, stream, max_bytes));
  if (!adapter.ok()) return 0;  // an API that needs options this input does not give
  const uint64_t seed = control >> 16;
  const std::vector<absl::string_view> reads = fuzz::SplitBytes(input, seed, 1 + seed % 97);

  std::unique_ptr<ResponseDecoder> whole = (*adapter)->NewDecoder();
  const Decoded expected = Run(*whole, {input});
  std::unique_ptr<ResponseDecoder> split = (*adapter)->NewDecoder();
  const Decoded got = Run(*split, reads);
  FUZZ_CHECK(got.refused == expected.refused);
  FUZZ_CHECK(SameFacts(got.facts, expected.facts));
  if (!expected.refused) {
    FUZZ_CHECK(got.content == expected.content && got.chunks == expected.chunks &&
               got.tokens == expected.tokens);
  }
  split->Reset();
  const Decoded again = Run(*split, {input});
  FUZZ_CHECK(SameFacts(again.facts, expected.facts) && again.content == expected.content);
  (void)split->DecodeErrorBody(input);
  return 0;
}
