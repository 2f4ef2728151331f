// Fuzzes the native tokenizer (tokenizer/): tokenizer.json files are users' input, split
// regexes come from them, and the text it encodes comes from datasets and servers. The first
// byte of the input picks what the rest is:
//   0: a tokenizer.json: loading never crashes; a file that loads encodes a fixed text.
//   1: a split regex, a newline, then text: a regex that translates matches in order, each
//      match non-empty, inside the text, after the last, and on UTF-8 character boundaries.
//   2: text for a byte-level tokenizer whose every token's bytes are known (every byte, and
//      merges of letters and spaces, split by Llama 3's pattern): the tokens' bytes, in order,
//      are the text exactly (repaired, where it is not well-formed UTF-8), with or without a
//      warm encoder cache.
#include "tokenizer/tokenizer.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/utf8.h"
#include "tests/fuzz/fuzz_input.h"
#include "tokenizer/split_pattern.h"

namespace {

using llmload::tokenizer::SplitPattern;
using llmload::tokenizer::Tokenizer;

// GPT-2's byte alphabet: the code point that stands for byte b.
uint32_t AlphabetCodePoint(int b) {
  if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) return b;
  int n = 0;
  for (int k = 0; k < b; ++k) {
    if (!((k >= '!' && k <= '~') || (k >= 0xA1 && k <= 0xAC) || (k >= 0xAE && k <= 0xFF))) ++n;
  }
  return 256 + n;
}

std::string Utf8(uint32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

std::string JsonString(const std::string& bytes) {
  std::string out = "\"";
  for (char c : bytes) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Byte tokens 0..255, then merged tokens whose bytes are in `token_bytes`.
struct ByteLevelFixture {
  std::unique_ptr<const Tokenizer> tokenizer;
  std::vector<std::string> token_bytes;
};

ByteLevelFixture MakeByteLevel() {
  ByteLevelFixture f;
  std::string vocab;
  std::string merges;
  const auto mapped = [](const std::string& bytes) {
    std::string s;
    for (unsigned char c : bytes) s += Utf8(AlphabetCodePoint(c));
    return s;
  };
  for (int b = 0; b < 256; ++b) {
    f.token_bytes.push_back(std::string(1, static_cast<char>(b)));
    absl::StrAppend(&vocab, b ? "," : "", JsonString(mapped(f.token_bytes.back())), ":", b);
  }
  const auto merge = [&](const std::string& left, const std::string& right) {
    absl::StrAppend(&merges, merges.empty() ? "" : ",",
                    JsonString(mapped(left) + " " + mapped(right)));
    f.token_bytes.push_back(left + right);
    absl::StrAppend(&vocab, ",", JsonString(mapped(left + right)), ":", f.token_bytes.size() - 1);
  };
  for (const char* pair : {"th", "he", "in", "er", "an", " t", " a", "  "}) {
    merge(std::string(1, pair[0]), std::string(1, pair[1]));
  }
  merge(" t", "he");
  merge("th", "e");
  merge("  ", "  ");
  const std::string json = absl::StrCat(
      R"({"added_tokens": [], "normalizer": null,
          "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
             "behavior": "Isolated", "invert": false},
            {"type": "ByteLevel", "add_prefix_space": false, "use_regex": false}]},
          "model": {"type": "BPE", "vocab": {)",
      vocab, "}, \"merges\": [", merges, "]}}");
  auto loaded = Tokenizer::FromJson(json, "fuzz.json");
  FUZZ_CHECK(loaded.ok());
  f.tokenizer = *std::move(loaded);
  return f;
}

void FuzzTokenizerJson(absl::string_view json) {
  auto tokenizer = Tokenizer::FromJson(json, "fuzz.json");
  if (!tokenizer.ok()) return;
  std::vector<int32_t> ids;
  (*tokenizer)->Encode("Hello  world!\n\tOlá, 你好 🎉 x=f(42)", &ids);
}

void FuzzSplitPattern(absl::string_view input) {
  const size_t newline = input.find('\n');
  if (newline == absl::string_view::npos) return;
  auto pattern = SplitPattern::FromRegex(input.substr(0, newline));
  if (!pattern.ok()) return;
  const std::string text = llmload::ToWellFormedUtf8(input.substr(newline + 1));
  std::vector<llmload::tokenizer::Span> spans;
  pattern->FindAll(text, &spans);
  size_t last_end = 0;
  for (const auto& s : spans) {
    FUZZ_CHECK(s.begin >= last_end && s.begin < s.end && s.end <= text.size());
    for (size_t at : {s.begin, s.end}) {
      FUZZ_CHECK(at == text.size() || (static_cast<uint8_t>(text[at]) & 0xC0) != 0x80);
    }
    last_end = s.end;
  }
}

void FuzzByteLevelRoundTrip(absl::string_view text) {
  static const ByteLevelFixture fixture = MakeByteLevel();
  const std::string repaired = llmload::ToWellFormedUtf8(text);
  static Tokenizer::Encoder warm(*fixture.tokenizer);
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<int32_t> ids;
    if (pass == 0) {
      fixture.tokenizer->Encode(text, &ids);
    } else {
      warm.Encode(text, &ids);
    }
    std::string bytes;
    for (int32_t id : ids) {
      FUZZ_CHECK(id >= 0 && static_cast<size_t>(id) < fixture.token_bytes.size());
      bytes += fixture.token_bytes[id];
    }
    FUZZ_CHECK(bytes == repaired);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  const uint64_t mode = llmload::fuzz::TakeFront(&input, 1) % 3;
  if (mode == 0) FuzzTokenizerJson(input);
  if (mode == 1) FuzzSplitPattern(input);
  if (mode == 2) FuzzByteLevelRoundTrip(input);
  return 0;
}
