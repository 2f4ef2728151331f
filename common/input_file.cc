#include "common/input_file.h"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/utf8.h"

namespace llmload {
namespace {

// nlohmann's messages start with "[json.exception.parse_error.101] "; the tag means nothing
// to a user, and the parser's "line 1" is always line 1 of the one record it was given, which
// would contradict our file line number, so only the column is kept.
std::string ParserMessage(const nlohmann::json::exception& e) {
  absl::string_view what = e.what();
  if (absl::StartsWith(what, "[json.exception.")) {
    size_t end = what.find("] ");
    if (end != absl::string_view::npos) what.remove_prefix(end + 2);
  }
  return absl::StrReplaceAll(what, {{"at line 1, column ", "at column "}});
}

// Extracts the prompt text of an OpenAI-style chat record: the content of the last message
// whose role is "user". Content may be a string or an array of parts, of which the
// {"type":"text","text":...} ones are joined with newlines (image parts cannot be replayed).
absl::StatusOr<std::string> PromptFromMessages(const nlohmann::json& messages,
                                               absl::string_view where) {
  if (!messages.is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": field 'messages' must be an array, got ", JsonTypeName(messages)));
  }
  for (size_t i = messages.size(); i-- > 0;) {
    const nlohmann::json& message = messages[i];
    if (!message.is_object()) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": field 'messages[", i, "]' must be an object, got ", JsonTypeName(message)));
    }
    auto role = message.find("role");
    if (role == message.end() || !role->is_string() ||
        role->get_ref<const std::string&>() != "user") {
      continue;
    }
    return MessageText(message, where, i);
  }
  return absl::InvalidArgumentError(
      absl::StrCat(where, ": field 'messages' has no message with role 'user'"));
}

}  // namespace

absl::string_view PathBasename(absl::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == absl::string_view::npos ? path : path.substr(slash + 1);
}

absl::StatusOr<std::string> MessageText(const nlohmann::json& message, absl::string_view where,
                                        size_t index) {
  auto content = message.find("content");
  if (content != message.end() && content->is_string()) return content->get<std::string>();
  if (content != message.end() && content->is_array()) {
    std::string text;
    for (const nlohmann::json& part : *content) {
      if (!part.is_object()) continue;
      auto type = part.find("type");
      auto part_text = part.find("text");
      if (type != part.end() && *type == "text" && part_text != part.end() &&
          part_text->is_string()) {
        if (!text.empty()) text.push_back('\n');
        text += part_text->get_ref<const std::string&>();
      }
    }
    return text;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      where, ": field 'messages[", index, "].content' must be a string or an array of text parts"));
}

absl::StatusOr<std::optional<std::string>> RecordId(const nlohmann::json& record,
                                                    absl::string_view where) {
  auto id = record.find("id");
  if (id == record.end()) return std::nullopt;
  if (id->is_string() && !id->get_ref<const std::string&>().empty()) return id->get<std::string>();
  if (id->is_number_integer()) return id->dump();
  return absl::InvalidArgumentError(
      absl::StrCat(where, ": field 'id' must be a non-empty string or an integer, got ",
                   id->is_string() ? "an empty string" : JsonTypeName(*id)));
}

absl::StatusOr<std::string> ReadInputFile(const std::string& path) {
  errno = 0;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (file == nullptr) {
    return absl::NotFoundError(std::generic_category().message(errno));
  }
  std::string contents;
  char buffer[64 * 1024];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) {
    contents.append(buffer, n);
  }
  // fopen succeeds on a directory on Linux; the read then fails with EISDIR.
  if (std::ferror(file.get())) {
    return absl::DataLossError(std::generic_category().message(errno != 0 ? errno : EIO));
  }
  return contents;
}

std::optional<size_t> InvalidUtf8Offset(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    uint32_t code_point;
    const size_t n = Utf8SequenceAt(s, i, &code_point);
    if (n == 0) return i;
    i += n;
  }
  return std::nullopt;
}

absl::StatusOr<nlohmann::json> ParseJsonLine(absl::string_view line, absl::string_view where) {
  try {
    return nlohmann::json::parse(line.begin(), line.end());
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": invalid JSON: ", ParserMessage(e)));
  }
}

std::string JsonTypeName(const nlohmann::json& value) { return value.type_name(); }

absl::StatusOr<std::optional<std::string>> RecordPrompt(const nlohmann::json& record,
                                                        absl::string_view where) {
  std::string text;
  if (auto it = record.find("prompt"); it != record.end()) {
    if (!it->is_string()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": field 'prompt' must be a string, got ", JsonTypeName(*it)));
    }
    text = it->get<std::string>();
  } else if (auto messages = record.find("messages"); messages != record.end()) {
    absl::StatusOr<std::string> from_messages = PromptFromMessages(*messages, where);
    if (!from_messages.ok()) return from_messages.status();
    text = *std::move(from_messages);
  } else {
    return std::nullopt;
  }
  if (absl::StripAsciiWhitespace(text).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": the prompt is empty"));
  }
  return text;
}

}  // namespace llmload
