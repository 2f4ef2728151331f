#include "dataset/csv_format.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/input_file.h"
#include "dataset/csv_rows.h"

namespace llmload::dataset {
namespace {

// The index of the prompt column in `header`.
absl::StatusOr<size_t> PromptColumn(const std::vector<std::string>& header,
                                    const ReadOptions& options, absl::string_view path) {
  const std::string wanted = options.column.empty() ? "prompt" : options.column;
  for (size_t i = 0; i < header.size(); ++i) {
    if (absl::StripAsciiWhitespace(header[i]) == wanted) return i;
  }
  if (options.column.empty() && header.size() == 1) return 0;
  return absl::InvalidArgumentError(
      absl::StrCat(path, ":1: no column '", wanted,
                   "' in the header (its columns: ", absl::StrJoin(header, ", "), ")",
                   options.column.empty() ? "; name the prompt's column with --column" : ""));
}

}  // namespace

absl::StatusOr<ReadPrompts> ReadCsvPrompts(absl::string_view contents, absl::string_view path,
                                           const ReadOptions& options) {
  const absl::string_view base = PathBasename(path);
  ReadPrompts read;
  std::optional<std::vector<std::string>> header;
  size_t column = 0;
  absl::Status status = ForEachCsvRow(
      contents, path, [&](size_t line, const std::vector<std::string>& fields) -> absl::Status {
        const std::string where = absl::StrCat(path, ":", line);
        if (!header.has_value()) {
          header = fields;
          absl::StatusOr<size_t> c = PromptColumn(*header, options, path);
          if (!c.ok()) return c.status();
          column = *c;
          return absl::OkStatus();
        }
        if (fields.size() != header->size()) {
          return absl::InvalidArgumentError(
              absl::StrCat(where, ": ", fields.size(), " fields, but the header has ",
                           header->size(), " (a comma or line break outside quotes?)"));
        }
        const std::string& text = fields[column];
        if (std::optional<size_t> bad = InvalidUtf8Offset(text)) {
          return absl::InvalidArgumentError(absl::StrCat(where, ": column '", (*header)[column],
                                                         "': invalid UTF-8 at byte ", *bad + 1));
        }
        if (absl::StripAsciiWhitespace(text).empty()) {
          return absl::InvalidArgumentError(
              absl::StrCat(where, ": column '", (*header)[column], "' is empty"));
        }
        read.prompts.push_back(Prompt{absl::StrCat(base, ":", line), text});
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return read;
}

}  // namespace llmload::dataset
