// The seam between a dataset file's format and the rest of llmload: what one format's reader
// is, as a table entry (dataset_format_table.h lists them). A reader turns the file's whole
// contents into prompts (and, for formats that hold dialogues, into conversations for
// --multi-turn); the loader (dataset_loader.h) applies everything else (the prompt template,
// length filters, sampling), the same for every format. A new format is one .h/.cc pair with
// its reader, plus one entry in the table.
#ifndef LLMLOAD_DATASET_DATASET_FORMAT_H_
#define LLMLOAD_DATASET_DATASET_FORMAT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/conversation.h"
#include "common/prompt.h"
#include "nlohmann/json.hpp"

namespace llmload::dataset {

// What a reader may need besides the file.
struct ReadOptions {
  std::string column;  // --column: the CSV column holding the prompt; "" for the default
};

// A reader's result: the prompts in file order, and the records it passed over on purpose
// (for example ShareGPT dialogues without a human turn), with why, for the loader's report.
struct ReadPrompts {
  std::vector<Prompt> prompts;
  size_t skipped = 0;
  std::string skipped_why;  // e.g. "no reply to the first human turn"
};

// The same for conversations.
struct ReadConversations {
  std::vector<Conversation> conversations;
  size_t skipped = 0;
  std::string skipped_why;
};

using PromptReader = absl::StatusOr<ReadPrompts> (*)(absl::string_view contents,
                                                     absl::string_view path,
                                                     const ReadOptions& options);
using ConversationReader = absl::StatusOr<ReadConversations> (*)(absl::string_view contents,
                                                                 absl::string_view path);

struct DatasetFormat {
  absl::string_view name;     // the --dataset-format value
  absl::string_view summary;  // one line for --help and the docs
  PromptReader read_prompts;
  ConversationReader read_conversations;  // nullptr: the format holds single prompts only
  // For --dataset-format auto on a JSON or JSONL file: the shape of this format that the
  // file's first record has, as the report words it ("has 'question'"), or nullopt when it has
  // none. nullptr: chosen by name (or by extension) only.
  std::optional<std::string> (*claims)(const nlohmann::json& first_record);
};

// What most formats' `claims` are: "has '<field>'" when the record is an object with `field`.
std::optional<std::string> ClaimIfField(const nlohmann::json& record, absl::string_view field);

}  // namespace llmload::dataset

#endif  // LLMLOAD_DATASET_DATASET_FORMAT_H_
