// `--dataset-format qianfan`: Baidu Qianfan's evaluation sets (seed 003), in its two forms.
// A JSON array (.json) of `{"prompt": ..., "response": ...}` single prompts; or JSON Lines
// that each hold a list of turns, `[{"prompt": ..., "response": ...}, ...]`
// (common/conversation.h reads them). As prompts, a line's last turn is the prompt and the
// turns before it, with their recorded responses, its history; under --multi-turn each line
// is played as a conversation.
#ifndef LLMLOAD_DATASET_QIANFAN_FORMAT_H_
#define LLMLOAD_DATASET_QIANFAN_FORMAT_H_

#include <optional>
#include <string>

#include "dataset/dataset_format.h"

namespace llmload::dataset {

absl::StatusOr<ReadPrompts> ReadQianfanPrompts(absl::string_view contents, absl::string_view path,
                                               const ReadOptions& options);
absl::StatusOr<ReadConversations> ReadQianfanConversations(absl::string_view contents,
                                                           absl::string_view path);
// A JSONL line that is a list of turns.
std::optional<std::string> ClaimsQianfanRecord(const nlohmann::json& first_record);

}  // namespace llmload::dataset

#endif  // LLMLOAD_DATASET_QIANFAN_FORMAT_H_
