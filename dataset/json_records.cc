#include "dataset/json_records.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/input_file.h"

namespace llmload::dataset {
namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Walks a JSON array's top level: finds where each element ends without parsing it.
class ArrayScanner {
 public:
  ArrayScanner(absl::string_view text, absl::string_view path) : text_(text), path_(path) {}

  absl::Status Run(absl::FunctionRef<absl::Status(size_t line, const std::string& where,
                                                  const nlohmann::json& record)>
                       visit) {
    SkipSpace();
    if (pos_ >= text_.size() || text_[pos_] != '[') {
      return absl::InvalidArgumentError(
          absl::StrCat(path_, ":", line_, ": expected a JSON array ('[') of records",
                       pos_ < text_.size() ? "" : ", the file is empty",
                       " (one record per line? name the file .jsonl)"));
    }
    ++pos_;
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == ']') return End();
    while (true) {
      SkipSpace();
      const size_t start = pos_;
      const size_t start_line = line_;
      const std::string where = absl::StrCat(path_, ":", start_line);
      if (absl::Status s = SkipValue(where); !s.ok()) return s;
      absl::StatusOr<nlohmann::json> record =
          ParseJsonLine(text_.substr(start, pos_ - start), where);
      if (!record.ok()) return record.status();
      if (absl::Status s = visit(start_line, where, *record); !s.ok()) return s;
      SkipSpace();
      if (pos_ >= text_.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat(path_, ":", line_, ": the JSON array is not closed (no ']')"));
      }
      if (text_[pos_] == ']') return End();
      if (text_[pos_] != ',') {
        return absl::InvalidArgumentError(absl::StrCat(
            path_, ":", line_, ": expected ',' or ']' between the array's records, got '",
            text_.substr(pos_, 1), "'"));
      }
      ++pos_;
    }
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && IsJsonSpace(text_[pos_])) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
  }

  // Moves past one value: a string, a nested array or object (counting brackets outside
  // strings), or a scalar up to the next ',', ']' or white space. The parser checks it after.
  absl::Status SkipValue(const std::string& where) {
    int depth = 0;
    bool in_string = false;
    for (; pos_ < text_.size(); ++pos_) {
      const char c = text_[pos_];
      if (c == '\n') ++line_;
      if (in_string) {
        if (c == '\\') {
          if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++line_;
          ++pos_;
        } else if (c == '"') {
          in_string = false;
          if (depth == 0) {
            ++pos_;
            return absl::OkStatus();
          }
        }
        continue;
      }
      if (c == '"') {
        in_string = true;
      } else if (c == '[' || c == '{') {
        ++depth;
      } else if (c == ']' || c == '}') {
        if (depth == 0) return absl::OkStatus();  // the array's own ']': a scalar ended
        if (--depth == 0) {
          ++pos_;
          return absl::OkStatus();
        }
      } else if (depth == 0 && (c == ',' || IsJsonSpace(c))) {
        return absl::OkStatus();
      }
    }
    if (in_string || depth > 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": invalid JSON: the record is not closed before the file ends"));
    }
    return absl::OkStatus();
  }

  absl::Status End() {
    ++pos_;
    SkipSpace();
    if (pos_ < text_.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path_, ":", line_, ": unexpected text after the JSON array's ']'"));
    }
    return absl::OkStatus();
  }

  absl::string_view text_;
  absl::string_view path_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

}  // namespace

JsonContainer JsonContainerOf(absl::string_view path) {
  return absl::EndsWithIgnoreCase(PathBasename(path), ".json") ? JsonContainer::kArray
                                                               : JsonContainer::kLines;
}

absl::Status ForEachJsonRecord(absl::string_view contents, JsonContainer container,
                               absl::string_view path,
                               absl::FunctionRef<absl::Status(size_t line, const std::string& where,
                                                              const nlohmann::json& record)>
                                   visit) {
  if (container == JsonContainer::kArray) {
    if (absl::StartsWith(contents, kUtf8Bom)) contents.remove_prefix(kUtf8Bom.size());
    return ArrayScanner(contents, path).Run(visit);
  }
  return ForEachInputLine(contents, [&](size_t line, absl::string_view text) -> absl::Status {
    const std::string where = absl::StrCat(path, ":", line);
    absl::StatusOr<nlohmann::json> record = ParseJsonLine(text, where);
    if (!record.ok()) return record.status();
    return visit(line, where, *record);
  });
}

}  // namespace llmload::dataset
