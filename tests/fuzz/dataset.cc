// Fuzzes the dataset loader (dataset/dataset_loader.h, ParseDataset: what LoadDataset does
// after reading the file) over every --dataset-format and auto, with the length filter, the
// prompt template and sampling; and, for the formats that hold them, the conversations. An
// accepted dataset holds non-empty, valid UTF-8 prompts with unique ids within the filter's
// bounds; any other input is an error that names the file or the flag.
//
// Input: 2 control bytes (bits 0-3: the format, auto or one of the table's, and bits 4-5 the
// extension; bits 6-8: --min-prompt-chars; bits 9-14: --max-prompt-chars, 0 meaning none;
// bit 15: a template and --shuffle --num-prompts 3), then the file's contents.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "dataset/dataset_loader.h"
#include "simdjson.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* const kFormats[] = {"auto",  "sharegpt", "openqa", "longalpaca", "qianfan",
                                         "jsonl", "json",     "csv",    "lines"};
  static const char* const kPaths[] = {"dir/fuzz.txt", "dir/fuzz.jsonl", "dir/fuzz.json",
                                       "dir/fuzz.csv"};
  absl::string_view contents(reinterpret_cast<const char*>(data), size);
  const uint64_t control = llmload::fuzz::TakeFront(&contents, 2);
  llmload::dataset::DatasetLoadOptions options;
  options.format = kFormats[(control & 15) % 9];
  const char* const path = kPaths[(control >> 4) & 3];
  options.length.min_chars = (control >> 6) & 7;
  if (const size_t max = (control >> 9) & 63; max != 0) options.length.max_chars = max;
  if ((control >> 15) & 1) {
    options.prompt_template = "<{context}>";
    options.shuffle = true;
    options.num_prompts = 3;
  }

  auto error_is_named = [](absl::string_view message) {
    return absl::StrContains(message, "fuzz.") || absl::StartsWith(message, "--");
  };
  auto prompts = llmload::dataset::ParseDataset(contents, path, options);
  if (!prompts.ok()) {
    FUZZ_CHECK(error_is_named(prompts.status().message()));
  } else {
    FUZZ_CHECK(!prompts->empty());
    FUZZ_CHECK(options.num_prompts == 0 || prompts->size() <= options.num_prompts);
    std::set<std::string> ids;
    for (const llmload::Prompt& prompt : *prompts) {
      FUZZ_CHECK(!absl::StripAsciiWhitespace(prompt.text).empty());
      FUZZ_CHECK(simdjson::validate_utf8(prompt.text.data(), prompt.text.size()));
      if (!options.prompt_template.empty()) FUZZ_CHECK(absl::StartsWith(prompt.text, "<"));
      const size_t chars = llmload::PromptChars(prompt.text);
      FUZZ_CHECK(chars >= options.length.min_chars && chars <= options.length.max_chars);
      FUZZ_CHECK(!prompt.id.empty() && ids.insert(prompt.id).second);
      for (const llmload::ChatMessage& m : prompt.history) {
        FUZZ_CHECK(simdjson::validate_utf8(m.content.data(), m.content.size()));
      }
    }
  }
  llmload::dataset::DatasetLoadOptions sampling;
  sampling.format = options.format;
  auto conversations = llmload::dataset::ParseDatasetConversations(contents, path, sampling);
  if (!conversations.ok()) {
    FUZZ_CHECK(error_is_named(conversations.status().message()));
    return 0;
  }
  FUZZ_CHECK(!conversations->empty());
  for (const llmload::Conversation& c : *conversations) {
    FUZZ_CHECK(!c.turns.empty() && c.turns.size() <= llmload::kMaxConversationTurns);
    for (const llmload::ConversationTurn& t : c.turns) {
      FUZZ_CHECK(!absl::StripAsciiWhitespace(t.prompt).empty());
    }
  }
  return 0;
}
