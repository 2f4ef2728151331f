// Fuzzes the dataset loaders (common/dataset.h, ParseDataset: what LoadDataset does after
// reading the file), plain text and JSONL, with the length filter. An accepted dataset holds
// non-empty, valid UTF-8 prompts with unique ids within the filter's bounds; any other input
// is an error that names the file.
//
// Input: 2 control bytes (bit 0: JSONL; bits 1-3: --min-prompt-chars; bits 4-15:
// --max-prompt-chars, 0 meaning none), then the file's contents.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "common/dataset.h"
#include "simdjson.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using llmload::DatasetFormat;
  absl::string_view contents(reinterpret_cast<const char*>(data), size);
  const uint64_t control = llmload::fuzz::TakeFront(&contents, 2);
  const DatasetFormat format = (control & 1) != 0 ? DatasetFormat::kJsonl : DatasetFormat::kText;
  const char* const path = format == DatasetFormat::kJsonl ? "dir/fuzz.jsonl" : "dir/fuzz.txt";
  llmload::DatasetOptions options;
  options.min_chars = (control >> 1) & 7;
  if (const size_t max = control >> 4; max != 0) options.max_chars = max;

  auto prompts = llmload::ParseDataset(contents, format, path, options);
  if (!prompts.ok()) {
    const absl::string_view message = prompts.status().message();
    FUZZ_CHECK(absl::StrContains(message, "fuzz.") || absl::StartsWith(message, "--min-prompt"));
    return 0;
  }
  FUZZ_CHECK(!prompts->empty());
  std::set<std::string> ids;
  for (const llmload::Prompt& prompt : *prompts) {
    FUZZ_CHECK(!absl::StripAsciiWhitespace(prompt.text).empty());
    FUZZ_CHECK(simdjson::validate_utf8(prompt.text.data(), prompt.text.size()));
    if (format == DatasetFormat::kText) FUZZ_CHECK(prompt.text.find('\n') == std::string::npos);
    const size_t chars = llmload::PromptChars(prompt.text);
    FUZZ_CHECK(chars >= options.min_chars && chars <= options.max_chars);
    FUZZ_CHECK(!prompt.id.empty() && ids.insert(prompt.id).second);
  }
  return 0;
}
