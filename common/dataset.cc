#include "common/dataset.h"

#include <algorithm>
#include <optional>
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

absl::string_view StripTrailingNewlines(absl::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Parses one JSONL record into `prompt`. `where` is "<path>:<line>".
absl::Status ParseJsonRecord(absl::string_view line, absl::string_view where, Prompt& prompt) {
  absl::StatusOr<nlohmann::json> parsed = ParseJsonLine(line, where);
  if (!parsed.ok()) return parsed.status();
  const nlohmann::json& record = *parsed;
  if (!record.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": expected a JSON object with a 'prompt' field, got ", JsonTypeName(record)));
  }
  absl::StatusOr<std::optional<std::string>> text = RecordPrompt(record, where);
  if (!text.ok()) return text.status();
  if (!text->has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": missing field 'prompt' (a string; or a 'messages' array with a user message)"));
  }
  prompt.text = **std::move(text);
  absl::StatusOr<std::optional<std::string>> id = RecordId(record, where);
  if (!id.ok()) return id.status();
  if (id->has_value()) prompt.id = **std::move(id);
  return absl::OkStatus();
}

// The format of `path` by its extension; nullopt for .json (refused: see LoadDataset).
std::optional<DatasetFormat> FormatOf(absl::string_view path) {
  std::string name = absl::AsciiStrToLower(PathBasename(path));
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
    absl::StatusOr<std::string> contents = ReadInputFile(path);
    if (!contents.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--prompt: cannot read '", path, "': ", contents.status().message()));
    }
    absl::string_view text = *contents;
    if (absl::StartsWith(text, kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
    prompt = {std::string(PathBasename(path)), std::string(StripTrailingNewlines(text))};
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
  absl::StatusOr<std::string> contents = ReadInputFile(path);
  if (!contents.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--dataset: cannot read '", path, "': ", contents.status().message()));
  }
  return ParseDataset(*contents, *format, path, options);
}

absl::StatusOr<std::vector<Prompt>> ParseDataset(absl::string_view contents, DatasetFormat format,
                                                 absl::string_view path,
                                                 const DatasetOptions& options) {
  const absl::string_view base = PathBasename(path);
  std::vector<Prompt> prompts;
  absl::flat_hash_map<std::string, size_t> id_lines;  // JSONL only: id -> first line
  const absl::Status status =
      ForEachInputLine(contents, [&](size_t line_number, absl::string_view line) -> absl::Status {
        const std::string where = absl::StrCat(path, ":", line_number);
        Prompt prompt{absl::StrCat(base, ":", line_number), ""};
        if (format == DatasetFormat::kJsonl) {
          absl::Status parsed = ParseJsonRecord(line, where, prompt);
          if (!parsed.ok()) return parsed;
          auto [it, inserted] = id_lines.try_emplace(prompt.id, line_number);
          if (!inserted) {
            return absl::InvalidArgumentError(absl::StrCat(
                where, ": duplicate id '", prompt.id, "' (first used on line ", it->second, ")"));
          }
        } else {
          if (std::optional<size_t> bad = InvalidUtf8Offset(line)) {
            return absl::InvalidArgumentError(
                absl::StrCat(where, ": invalid UTF-8 at column ", *bad + 1));
          }
          prompt.text = std::string(line);
        }
        prompts.push_back(std::move(prompt));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
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
