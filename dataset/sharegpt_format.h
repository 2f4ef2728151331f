// `--dataset-format sharegpt`: ShareGPT dialogues, as vLLM's and SGLang's benchmarks read
// them: records `{"id": ..., "conversations": [{"from": "human", "value": "..."}, {"from":
// "gpt", "value": "..."}, ...]}`, in a JSON array (.json) or one per line. As prompts, a
// dialogue's first human turn is the prompt (a leading system turn goes with it as history),
// and, as vLLM does, dialogues with fewer than two turns are passed over (counted in the
// report). Under --multi-turn every human turn is a turn, the reply after it its recorded
// response. Speakers: human/user, gpt/chatgpt/assistant/model/bard/bing, system; any other
// is an error naming the field.
#ifndef LLMLOAD_DATASET_SHAREGPT_FORMAT_H_
#define LLMLOAD_DATASET_SHAREGPT_FORMAT_H_

#include <optional>
#include <string>

#include "dataset/dataset_format.h"

namespace llmload::dataset {

absl::StatusOr<ReadPrompts> ReadShareGptPrompts(absl::string_view contents, absl::string_view path,
                                                const ReadOptions& options);
absl::StatusOr<ReadConversations> ReadShareGptConversations(absl::string_view contents,
                                                            absl::string_view path);
std::optional<std::string> ClaimsShareGptRecord(const nlohmann::json& first_record);

}  // namespace llmload::dataset

#endif  // LLMLOAD_DATASET_SHAREGPT_FORMAT_H_
