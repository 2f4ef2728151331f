#include "dataset/qianfan_format.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dataset/json_records.h"
#include "dataset/prompt_records.h"

namespace llmload::dataset {

absl::StatusOr<ReadPrompts> ReadQianfanPrompts(absl::string_view contents, absl::string_view path,
                                               const ReadOptions& options) {
  if (JsonContainerOf(path) == JsonContainer::kArray) {
    return ReadJsonArrayPrompts(contents, path, options);
  }
  absl::StatusOr<std::vector<Conversation>> conversations = ParseConversations(contents, path);
  if (!conversations.ok()) return conversations.status();
  ReadPrompts read;
  for (Conversation& c : *conversations) {
    Prompt prompt{std::move(c.id), std::move(c.turns.back().prompt)};
    if (!c.system.empty()) prompt.history.push_back({"system", std::move(c.system)});
    for (size_t i = 0; i + 1 < c.turns.size(); ++i) {
      if (!c.turns[i].response.has_value()) {
        return absl::InvalidArgumentError(absl::StrCat(
            path, ": conversation ", prompt.id, ": turn ", i + 1,
            " has no 'response', which the last turn's history needs (or play it turn by turn "
            "with --multi-turn)"));
      }
      prompt.history.push_back({"user", std::move(c.turns[i].prompt)});
      prompt.history.push_back({"assistant", *std::move(c.turns[i].response)});
    }
    read.prompts.push_back(std::move(prompt));
  }
  return read;
}

absl::StatusOr<ReadConversations> ReadQianfanConversations(absl::string_view contents,
                                                           absl::string_view path) {
  ReadConversations read;
  if (JsonContainerOf(path) == JsonContainer::kArray) {
    absl::StatusOr<ReadPrompts> prompts = ReadJsonArrayPrompts(contents, path, {});
    if (!prompts.ok()) return prompts.status();
    for (Prompt& p : prompts->prompts) {
      read.conversations.push_back(Conversation{
          std::move(p.id), "", {ConversationTurn{std::move(p.text), std::nullopt, std::nullopt}}});
    }
    return read;
  }
  absl::StatusOr<std::vector<Conversation>> conversations = ParseConversations(contents, path);
  if (!conversations.ok()) return conversations.status();
  read.conversations = *std::move(conversations);
  return read;
}

std::optional<std::string> ClaimsQianfanRecord(const nlohmann::json& first) {
  if (!first.is_array()) return std::nullopt;
  return "is a list of turns";
}

}  // namespace llmload::dataset
