#include "common/conversation.h"

#include <cmath>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/input_file.h"
#include "nlohmann/json.hpp"

namespace llmload {
namespace {

absl::Status Bad(auto... parts) { return absl::InvalidArgumentError(absl::StrCat(parts...)); }

// A non-empty string field of `object` (`field` names it in messages, `name` is its key).
absl::StatusOr<std::optional<std::string>> TextField(const nlohmann::json& object, const char* name,
                                                     absl::string_view where,
                                                     absl::string_view field) {
  auto it = object.find(name);
  if (it == object.end()) return std::nullopt;
  if (!it->is_string()) {
    return Bad(where, ": field '", field, "' must be a string, got ", JsonTypeName(*it));
  }
  return it->get<std::string>();
}

// One turn of seed 003's list form: turns[index].
absl::StatusOr<ConversationTurn> ParseTurn(const nlohmann::json& turn, size_t index,
                                           absl::string_view where) {
  const std::string at = absl::StrCat("[", index, "]");
  if (!turn.is_object()) {
    return Bad(where, ": turn ", at, " must be an object with a 'prompt', got ",
               JsonTypeName(turn));
  }
  ConversationTurn out;
  absl::StatusOr<std::optional<std::string>> prompt =
      TextField(turn, "prompt", where, absl::StrCat(at, ".prompt"));
  if (!prompt.ok()) return prompt.status();
  if (!prompt->has_value()) return Bad(where, ": turn ", at, " has no field 'prompt'");
  if (absl::StripAsciiWhitespace(**prompt).empty()) {
    return Bad(where, ": turn ", at, ": the prompt is empty");
  }
  out.prompt = **std::move(prompt);
  absl::StatusOr<std::optional<std::string>> response =
      TextField(turn, "response", where, absl::StrCat(at, ".response"));
  if (!response.ok()) return response.status();
  out.response = *std::move(response);
  if (auto delay = turn.find("delay"); delay != turn.end()) {
    const bool number = delay->is_number() && std::isfinite(delay->get<double>());
    if (!number || delay->get<double>() < 0 ||
        delay->get<double>() > static_cast<double>(kMaxTurnDelayMs)) {
      return Bad(where, ": field '", at, ".delay' must be a number of ms from 0 to ",
                 kMaxTurnDelayMs, " (a day), got ",
                 delay->is_number() ? delay->dump() : JsonTypeName(*delay));
    }
    out.delay_ms = std::llround(delay->get<double>());
  }
  return out;
}

// The OpenAI-style form: {"messages": [...]}.
absl::Status ParseMessages(const nlohmann::json& messages, absl::string_view where,
                           Conversation& out) {
  if (!messages.is_array()) {
    return Bad(where, ": field 'messages' must be an array, got ", JsonTypeName(messages));
  }
  for (size_t i = 0; i < messages.size(); ++i) {
    const nlohmann::json& message = messages[i];
    if (!message.is_object()) {
      return Bad(where, ": field 'messages[", i, "]' must be an object, got ",
                 JsonTypeName(message));
    }
    auto role = message.find("role");
    if (role == message.end() || !role->is_string()) {
      return Bad(where, ": field 'messages[", i, "].role' must be a string");
    }
    const std::string& name = role->get_ref<const std::string&>();
    absl::StatusOr<std::string> text = MessageText(message, where, i);
    if (!text.ok()) return text.status();
    if (name == "system" || name == "developer") {
      if (!out.turns.empty()) {
        return Bad(where, ": field 'messages[", i, "]': a ", name,
                   " message after the first user message (only a leading one is sent)");
      }
      if (!out.system.empty()) out.system.push_back('\n');
      out.system += *text;
    } else if (name == "user") {
      if (absl::StripAsciiWhitespace(*text).empty()) {
        return Bad(where, ": field 'messages[", i, "]': the user message is empty");
      }
      out.turns.push_back(
          {.prompt = *std::move(text), .response = std::nullopt, .delay_ms = std::nullopt});
    } else if (name == "assistant") {
      if (out.turns.empty()) {
        return Bad(where, ": field 'messages[", i,
                   "]': an assistant message before the first user message");
      }
      if (out.turns.back().response.has_value()) {
        return Bad(where, ": field 'messages[", i,
                   "]': two assistant messages in a row (one reply per user turn)");
      }
      out.turns.back().response = *std::move(text);
    } else {
      return Bad(where, ": field 'messages[", i, "].role' is '", name,
                 "' (a conversation holds system, user and assistant messages)");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Conversation> ParseConversationLine(absl::string_view line, size_t line_number,
                                                   absl::string_view base,
                                                   absl::string_view where) {
  absl::StatusOr<nlohmann::json> parsed = ParseJsonLine(line, where);
  if (!parsed.ok()) return parsed.status();
  const nlohmann::json& record = *parsed;
  Conversation out;
  out.id = absl::StrCat(base, ":", line_number);
  if (record.is_array()) {
    if (record.size() > kMaxConversationTurns) {
      return Bad(where, ": ", record.size(), " turns, more than the ", kMaxConversationTurns,
                 " allowed");
    }
    for (size_t i = 0; i < record.size(); ++i) {
      absl::StatusOr<ConversationTurn> turn = ParseTurn(record[i], i, where);
      if (!turn.ok()) return turn.status();
      out.turns.push_back(*std::move(turn));
    }
  } else if (record.is_object() && record.contains("messages")) {
    if (absl::Status s = ParseMessages(record["messages"], where, out); !s.ok()) return s;
    if (out.turns.size() > kMaxConversationTurns) {
      return Bad(where, ": ", out.turns.size(), " user turns, more than the ",
                 kMaxConversationTurns, " allowed");
    }
    absl::StatusOr<std::optional<std::string>> id = RecordId(record, where);
    if (!id.ok()) return id.status();
    if (id->has_value()) out.id = **std::move(id);
  } else {
    return Bad(where,
               ": expected a conversation: a list of turns [{\"prompt\": ...}, ...] or an "
               "object with a 'messages' array, got ",
               record.is_object() ? "an object without 'messages'" : JsonTypeName(record));
  }
  if (out.turns.empty()) return Bad(where, ": the conversation has no user turn");
  return out;
}

}  // namespace

absl::StatusOr<HistoryMode> ParseHistoryMode(absl::string_view text) {
  const std::string value = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (value == "actual") return HistoryMode::kActual;
  if (value == "recorded") return HistoryMode::kRecorded;
  return absl::InvalidArgumentError(
      absl::StrCat("--history: '", text,
                   "' is not a history (use actual: the model's replies, or recorded: "
                   "the dataset's responses)"));
}

absl::string_view HistoryModeName(HistoryMode mode) {
  return mode == HistoryMode::kActual ? "actual" : "recorded";
}

absl::StatusOr<std::vector<Conversation>> ParseConversations(absl::string_view contents,
                                                             absl::string_view path) {
  const absl::string_view base = PathBasename(path);
  std::vector<Conversation> conversations;
  absl::flat_hash_map<std::string, size_t> id_lines;  // id -> first line
  const absl::Status status =
      ForEachInputLine(contents, [&](size_t line_number, absl::string_view line) -> absl::Status {
        const std::string where = absl::StrCat(path, ":", line_number);
        absl::StatusOr<Conversation> c = ParseConversationLine(line, line_number, base, where);
        if (!c.ok()) return c.status();
        auto [it, inserted] = id_lines.try_emplace(c->id, line_number);
        if (!inserted) {
          return Bad(where, ": duplicate id '", c->id, "' (first used on line ", it->second, ")");
        }
        conversations.push_back(*std::move(c));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  if (conversations.empty()) {
    return Bad("--dataset: '", path,
               "' has no conversations (the file is empty or only has blank lines)");
  }
  return conversations;
}

}  // namespace llmload
