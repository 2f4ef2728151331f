#include "dataset/csv_rows.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/input_file.h"

namespace llmload::dataset {

absl::Status ForEachCsvRow(
    absl::string_view contents, absl::string_view path,
    absl::FunctionRef<absl::Status(size_t line, const std::vector<std::string>& fields)> visit) {
  if (absl::StartsWith(contents, kUtf8Bom)) contents.remove_prefix(kUtf8Bom.size());
  std::vector<std::string> fields;
  std::string field;
  size_t line = 1;
  size_t row_line = 1;
  bool row_has_text = false;  // a row of one empty unquoted field is a blank line
  size_t i = 0;
  auto end_row = [&]() -> absl::Status {
    fields.push_back(std::move(field));
    field.clear();
    absl::Status s = absl::OkStatus();
    if (row_has_text) s = visit(row_line, fields);
    fields.clear();
    row_has_text = false;
    return s;
  };
  while (i < contents.size()) {
    const char c = contents[i];
    if (c == '"' && field.empty()) {
      // A quoted field: up to the closing quote, "" being one quote.
      row_has_text = true;
      const size_t open_line = line;
      ++i;
      while (true) {
        if (i >= contents.size()) {
          return absl::InvalidArgumentError(absl::StrCat(
              path, ":", open_line, ": a quoted field is not closed before the file ends"));
        }
        if (contents[i] == '"') {
          if (i + 1 < contents.size() && contents[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (contents[i] == '\n') ++line;
        field.push_back(contents[i++]);
      }
      if (i < contents.size() && contents[i] != ',' && contents[i] != '\n' &&
          !(contents[i] == '\r' && i + 1 < contents.size() && contents[i + 1] == '\n') &&
          contents[i] != '\r') {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ":", line, ": text after a quoted field's closing quote"));
      }
      continue;
    }
    if (c == ',') {
      row_has_text = true;
      fields.push_back(std::move(field));
      field.clear();
      ++i;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < contents.size() && contents[i + 1] == '\n') ++i;
      ++i;
      if (absl::Status s = end_row(); !s.ok()) return s;
      ++line;
      row_line = line;
    } else {
      row_has_text = true;
      field.push_back(c);
      ++i;
    }
  }
  if (row_has_text || !field.empty()) return end_row();
  return absl::OkStatus();
}

}  // namespace llmload::dataset
