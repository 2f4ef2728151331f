#include "common/dataset.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/input_file.h"

namespace llmload {
namespace {

absl::string_view StripTrailingNewlines(absl::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
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
