#include "dataset/sharegpt_format.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/input_file.h"
#include "dataset/json_records.h"
#include "dataset/prompt_records.h"

namespace llmload::dataset {
namespace {

enum class Speaker { kHuman, kModel, kSystem };

struct Utterance {
  Speaker speaker;
  std::string text;
};

// One dialogue: its id and its utterances, checked field by field.
struct Dialogue {
  std::string id;
  std::vector<Utterance> utterances;
};

absl::StatusOr<Speaker> SpeakerOf(const nlohmann::json& from, const std::string& field) {
  if (!from.is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be a string, got ", JsonTypeName(from)));
  }
  const std::string name = absl::AsciiStrToLower(from.get<std::string>());
  if (name == "human" || name == "user") return Speaker::kHuman;
  if (name == "gpt" || name == "chatgpt" || name == "assistant" || name == "model" ||
      name == "bard" || name == "bing") {
    return Speaker::kModel;
  }
  if (name == "system") return Speaker::kSystem;
  return absl::InvalidArgumentError(
      absl::StrCat(field, " is '", from.get<std::string>(),
                   "' (expected human or user, gpt or assistant, or system)"));
}

absl::StatusOr<Dialogue> ParseDialogue(const nlohmann::json& record, absl::string_view path,
                                       size_t line, const std::string& where, PromptIds& ids) {
  if (!record.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": expected a JSON object with a 'conversations' array, got ",
                     JsonTypeName(record)));
  }
  auto turns = record.find("conversations");
  if (turns == record.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": missing field 'conversations' (an array of {from, value})"));
  }
  if (!turns->is_array()) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": field 'conversations' must be an array, got ", JsonTypeName(*turns)));
  }
  Dialogue dialogue;
  absl::StatusOr<std::string> id = ids.Take(record, path, line, where);
  if (!id.ok()) return id.status();
  dialogue.id = *std::move(id);
  for (size_t i = 0; i < turns->size(); ++i) {
    const nlohmann::json& turn = (*turns)[i];
    const std::string field = absl::StrCat(where, ": field 'conversations[", i, "]");
    if (!turn.is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, "' must be an object, got ", JsonTypeName(turn)));
    }
    auto from = turn.find("from");
    auto value = turn.find("value");
    if (from == turn.end() || value == turn.end()) {
      return absl::InvalidArgumentError(absl::StrCat(field, "' needs 'from' and 'value'"));
    }
    absl::StatusOr<Speaker> speaker = SpeakerOf(*from, absl::StrCat(field, ".from'"));
    if (!speaker.ok()) return speaker.status();
    if (!value->is_string()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".value' must be a string, got ", JsonTypeName(*value)));
    }
    dialogue.utterances.push_back(Utterance{*speaker, value->get<std::string>()});
  }
  return dialogue;
}

bool Blank(const std::string& text) { return absl::StripAsciiWhitespace(text).empty(); }

// Walks the file's dialogues; `take` returns false to pass one over.
absl::Status ForEachDialogue(absl::string_view contents, absl::string_view path,
                             absl::FunctionRef<void(Dialogue&)> take) {
  PromptIds ids;
  return ForEachJsonRecord(
      contents, JsonContainerOf(path), path,
      [&](size_t line, const std::string& where, const nlohmann::json& record) -> absl::Status {
        absl::StatusOr<Dialogue> dialogue = ParseDialogue(record, path, line, where, ids);
        if (!dialogue.ok()) return dialogue.status();
        take(*dialogue);
        return absl::OkStatus();
      });
}

}  // namespace

absl::StatusOr<ReadPrompts> ReadShareGptPrompts(absl::string_view contents, absl::string_view path,
                                                const ReadOptions&) {
  ReadPrompts read;
  read.skipped_why = "fewer than two turns, or no non-empty human turn";
  absl::Status status = ForEachDialogue(contents, path, [&](Dialogue& d) {
    std::vector<ChatMessage> history;
    size_t i = 0;
    for (; i < d.utterances.size() && d.utterances[i].speaker == Speaker::kSystem; ++i) {
      if (!Blank(d.utterances[i].text)) history.push_back({"system", d.utterances[i].text});
    }
    if (d.utterances.size() < 2 || i >= d.utterances.size() ||
        d.utterances[i].speaker != Speaker::kHuman || Blank(d.utterances[i].text)) {
      ++read.skipped;
      return;
    }
    Prompt prompt{std::move(d.id), std::move(d.utterances[i].text)};
    prompt.history = std::move(history);
    read.prompts.push_back(std::move(prompt));
  });
  if (!status.ok()) return status;
  return read;
}

absl::StatusOr<ReadConversations> ReadShareGptConversations(absl::string_view contents,
                                                            absl::string_view path) {
  ReadConversations read;
  read.skipped_why = "no human turn, speakers out of turn, or more than 1000 turns";
  absl::Status status = ForEachDialogue(contents, path, [&](Dialogue& d) {
    Conversation c;
    c.id = std::move(d.id);
    bool ok = true;
    bool awaiting_reply = false;
    for (Utterance& u : d.utterances) {
      if (u.speaker == Speaker::kSystem) {
        // Only before the first human turn: later system turns have no place in the history.
        if (!c.turns.empty()) ok = false;
        if (!c.system.empty()) c.system += "\n";
        c.system += u.text;
      } else if (u.speaker == Speaker::kHuman) {
        if (awaiting_reply || Blank(u.text)) ok = false;
        c.turns.push_back(ConversationTurn{std::move(u.text), std::nullopt, std::nullopt});
        awaiting_reply = true;
      } else {
        if (!awaiting_reply) ok = false;
        if (!c.turns.empty()) c.turns.back().response = std::move(u.text);
        awaiting_reply = false;
      }
    }
    if (!ok || c.turns.empty() || c.turns.size() > kMaxConversationTurns) {
      ++read.skipped;
      return;
    }
    read.conversations.push_back(std::move(c));
  });
  if (!status.ok()) return status;
  return read;
}

std::optional<std::string> ClaimsShareGptRecord(const nlohmann::json& first) {
  return ClaimIfField(first, "conversations");
}

}  // namespace llmload::dataset
