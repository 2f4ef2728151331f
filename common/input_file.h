// What the loaders of the user's line-based input files share: `--dataset` (common/dataset.h)
// and `--trace` (schedule/trace_file.h). Reading the file, walking its lines (a leading UTF-8
// BOM ignored, CRLF accepted, blank lines skipped but counted, so line numbers match an
// editor's), the UTF-8 check, parsing one JSONL record and taking a prompt from it. One copy,
// so that both formats accept the same input and word their errors alike:
// "<path>:<line>: field '...' ...".
#ifndef LLMLOAD_COMMON_INPUT_FILE_H_
#define LLMLOAD_COMMON_INPUT_FILE_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace llmload {

inline constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

// The file name at the end of `path` (after the last '/'), which prompt ids start with.
absl::string_view PathBasename(absl::string_view path);

// Reads the whole file. The error text is the system's (e.g. "No such file or directory"),
// which the caller prefixes with what it was trying to read.
absl::StatusOr<std::string> ReadInputFile(const std::string& path);

// Offset of the first byte that is not part of well-formed UTF-8 (overlongs, surrogates and
// code points above U+10FFFF included), or nullopt. Prompts end up in JSON request bodies,
// where bad UTF-8 would fail much later, once per request.
std::optional<size_t> InvalidUtf8Offset(absl::string_view s);

// Calls `visit(line_number, line)` for each non-blank line of `contents` (a whole file): a
// leading UTF-8 BOM is ignored, the '\r' of a CRLF line end removed, lines of only ASCII
// white space skipped; `line_number` is 1-based and counts the skipped lines too. Stops at the
// first error `visit` returns and returns it.
template <typename Visit>
absl::Status ForEachInputLine(absl::string_view contents, Visit visit) {
  if (absl::StartsWith(contents, kUtf8Bom)) contents.remove_prefix(kUtf8Bom.size());
  size_t line_number = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_number;
    if (absl::EndsWith(line, "\r")) line.remove_suffix(1);
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    if (absl::Status status = visit(line_number, line); !status.ok()) return status;
  }
  return absl::OkStatus();
}

// Parses one JSONL line. The error is "<where>: invalid JSON: <what the parser said>", with
// the parser's position as a column (its "line 1" would contradict our file's line numbers).
// Strings are checked for UTF-8 by the parser.
absl::StatusOr<nlohmann::json> ParseJsonLine(absl::string_view line, absl::string_view where);

// The JSON type of `value` as messages name it: "string", "number", "array", "null"...
std::string JsonTypeName(const nlohmann::json& value);

// The prompt of a JSONL record: its string `prompt` field, or else (`prompt` wins when both
// are present) its OpenAI-style `messages` array's last message with role "user", whose
// content is a string or an array of parts, the {"type":"text","text":...} ones joined with
// newlines (image parts cannot be replayed). nullopt when the record has neither field.
// Errors name `where` ("<path>:<line>") and the field ('prompt', 'messages', 'messages[i]',
// 'messages[i].content'); a prompt that is empty or only white space is an error too.
absl::StatusOr<std::optional<std::string>> RecordPrompt(const nlohmann::json& record,
                                                        absl::string_view where);

// The text of an OpenAI-style message object, `messages[index]` of a record: its `content`, a
// string or an array of parts whose {"type":"text","text":...} ones are joined with newlines.
// The error names "<where>: field 'messages[<index>].content'".
absl::StatusOr<std::string> MessageText(const nlohmann::json& message, absl::string_view where,
                                        size_t index);

// A JSONL record's own `id`: a non-empty string, or an integer (as written); nullopt when the
// record has none. The error names `where` and the field.
absl::StatusOr<std::optional<std::string>> RecordId(const nlohmann::json& record,
                                                    absl::string_view where);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_INPUT_FILE_H_
