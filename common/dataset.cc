#include "common/dataset.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <system_error>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"

namespace llmload {
namespace {

constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Reads the whole file. The error text is the system's (e.g. "No such file or directory"),
// which the caller prefixes with what it was trying to read.
absl::StatusOr<std::string> ReadFile(const std::string& path) {
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

absl::string_view Basename(absl::string_view path) {
  size_t slash = path.rfind('/');
  return slash == absl::string_view::npos ? path : path.substr(slash + 1);
}

// Offset of the first byte that is not part of well-formed UTF-8 (overlongs, surrogates and
// code points above U+10FFFF included), or nullopt. Prompts end up in JSON request bodies,
// where bad UTF-8 would fail much later, once per request.
std::optional<size_t> InvalidUtf8Offset(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > s.size()) return i;
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::nullopt;
}

absl::string_view StripTrailingNewlines(absl::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string JsonTypeName(const nlohmann::json& value) { return value.type_name(); }

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
        where, ": field 'messages[", i, "].content' must be a string or an array of text parts"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(where, ": field 'messages' has no message with role 'user'"));
}

// Parses one JSONL record into `prompt`. `where` is "<path>:<line>".
absl::Status ParseJsonRecord(absl::string_view line, absl::string_view where, Prompt& prompt) {
  nlohmann::json record;
  try {
    record = nlohmann::json::parse(line.begin(), line.end());
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": invalid JSON: ", ParserMessage(e)));
  }
  if (!record.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": expected a JSON object with a 'prompt' field, got ", JsonTypeName(record)));
  }
  if (auto it = record.find("prompt"); it != record.end()) {
    if (!it->is_string()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": field 'prompt' must be a string, got ", JsonTypeName(*it)));
    }
    prompt.text = it->get<std::string>();
  } else if (auto messages = record.find("messages"); messages != record.end()) {
    absl::StatusOr<std::string> text = PromptFromMessages(*messages, where);
    if (!text.ok()) return text.status();
    prompt.text = *std::move(text);
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": missing field 'prompt' (a string; or a 'messages' array with a user message)"));
  }
  if (absl::StripAsciiWhitespace(prompt.text).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": the prompt is empty"));
  }
  if (auto id = record.find("id"); id != record.end()) {
    if (id->is_string() && !id->get_ref<const std::string&>().empty()) {
      prompt.id = id->get<std::string>();
    } else if (id->is_number_integer()) {
      prompt.id = id->dump();
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": field 'id' must be a non-empty string or an integer, got ",
                       id->is_string() ? "an empty string" : JsonTypeName(*id)));
    }
  }
  return absl::OkStatus();
}

// The format of `path` by its extension; nullopt for .json (refused: see LoadDataset).
std::optional<DatasetFormat> FormatOf(absl::string_view path) {
  std::string name = absl::AsciiStrToLower(Basename(path));
  if (absl::EndsWith(name, ".jsonl") || absl::EndsWith(name, ".ndjson")) {
    return DatasetFormat::kJsonl;
  }
  if (absl::EndsWith(name, ".json")) return std::nullopt;
  return DatasetFormat::kText;
}

std::string BoundsText(const DatasetOptions& options) {
  std::string min = absl::StrCat("--min-prompt-chars=", options.min_chars);
  if (options.max_chars == std::numeric_limits<size_t>::max()) return min;
  return absl::StrCat(min, " --max-prompt-chars=", options.max_chars);
}

}  // namespace

size_t PromptChars(absl::string_view text) {
  size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

absl::StatusOr<Prompt> ResolvePromptArgument(absl::string_view arg) {
  Prompt prompt;
  std::string what = "--prompt";
  if (absl::StartsWith(arg, "@@")) {
    prompt = {"prompt", std::string(arg.substr(1))};
  } else if (absl::StartsWith(arg, "@")) {
    std::string path(arg.substr(1));
    if (path.empty()) {
      return absl::InvalidArgumentError(
          "--prompt: '@' must be followed by a file path (use '@@' for a literal '@')");
    }
    what = absl::StrCat("--prompt @", path);
    absl::StatusOr<std::string> contents = ReadFile(path);
    if (!contents.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--prompt: cannot read '", path, "': ", contents.status().message()));
    }
    absl::string_view text = *contents;
    if (absl::StartsWith(text, kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
    prompt = {std::string(Basename(path)), std::string(StripTrailingNewlines(text))};
  } else {
    prompt = {"prompt", std::string(arg)};
  }
  if (absl::StripAsciiWhitespace(prompt.text).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": the prompt is empty"));
  }
  if (std::optional<size_t> bad = InvalidUtf8Offset(prompt.text)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": invalid UTF-8 at byte ", *bad, " of the prompt"));
  }
  return prompt;
}

absl::StatusOr<std::vector<Prompt>> LoadDataset(const std::string& path,
                                                const DatasetOptions& options) {
  const std::optional<DatasetFormat> format = FormatOf(path);
  if (!format.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--dataset: '", path,
        "': .json files are not supported; use JSONL (.jsonl, one JSON object per line)"));
  }
  absl::StatusOr<std::string> contents = ReadFile(path);
  if (!contents.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--dataset: cannot read '", path, "': ", contents.status().message()));
  }
  return ParseDataset(*contents, *format, path, options);
}

absl::StatusOr<std::vector<Prompt>> ParseDataset(absl::string_view contents, DatasetFormat format,
                                                 absl::string_view path,
                                                 const DatasetOptions& options) {
  absl::string_view text = contents;
  if (absl::StartsWith(text, kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());

  const absl::string_view base = Basename(path);
  std::vector<Prompt> prompts;
  absl::flat_hash_map<std::string, size_t> id_lines;  // JSONL only: id -> first line
  size_t line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (absl::EndsWith(line, "\r")) line.remove_suffix(1);
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    const std::string where = absl::StrCat(path, ":", line_number);
    Prompt prompt{absl::StrCat(base, ":", line_number), ""};
    if (format == DatasetFormat::kJsonl) {
      if (absl::Status status = ParseJsonRecord(line, where, prompt); !status.ok()) return status;
      auto [it, inserted] = id_lines.try_emplace(prompt.id, line_number);
      if (!inserted) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": duplicate id '", prompt.id,
                                                       "' (first used on line ", it->second, ")"));
      }
    } else {
      if (std::optional<size_t> bad = InvalidUtf8Offset(line)) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": invalid UTF-8 at column ", *bad + 1));
      }
      prompt.text = std::string(line);
    }
    prompts.push_back(std::move(prompt));
  }
  if (prompts.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--dataset: '", path, "' has no prompts (the file is empty or only has blank lines)"));
  }
  return FilterPromptsByLength(std::move(prompts), options, path);
}

absl::StatusOr<std::vector<Prompt>> FilterPromptsByLength(std::vector<Prompt> prompts,
                                                          const DatasetOptions& options,
                                                          absl::string_view source) {
  if (options.min_chars > options.max_chars) {
    return absl::InvalidArgumentError(absl::StrCat("--min-prompt-chars (", options.min_chars,
                                                   ") is greater than --max-prompt-chars (",
                                                   options.max_chars, ")"));
  }
  if (options.min_chars == 0 && options.max_chars == std::numeric_limits<size_t>::max()) {
    return prompts;
  }
  size_t shortest = std::numeric_limits<size_t>::max();
  size_t longest = 0;
  std::vector<Prompt> kept;
  for (Prompt& prompt : prompts) {
    size_t chars = PromptChars(prompt.text);
    shortest = std::min(shortest, chars);
    longest = std::max(longest, chars);
    if (chars >= options.min_chars && chars <= options.max_chars) {
      kept.push_back(std::move(prompt));
    }
  }
  if (kept.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": no prompt is left after ", BoundsText(options), " (the ",
                     prompts.size(), " prompts have ", shortest, " to ", longest, " characters)"));
  }
  return kept;
}

}  // namespace llmload
