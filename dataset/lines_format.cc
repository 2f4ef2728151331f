#include "dataset/lines_format.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/input_file.h"

namespace llmload::dataset {

absl::StatusOr<ReadPrompts> ReadLinePrompts(absl::string_view contents, absl::string_view path,
                                            const ReadOptions&) {
  const absl::string_view base = PathBasename(path);
  ReadPrompts read;
  absl::Status status =
      ForEachInputLine(contents, [&](size_t line, absl::string_view text) -> absl::Status {
        if (std::optional<size_t> bad = InvalidUtf8Offset(text)) {
          return absl::InvalidArgumentError(
              absl::StrCat(path, ":", line, ": invalid UTF-8 at column ", *bad + 1));
        }
        read.prompts.push_back(Prompt{absl::StrCat(base, ":", line), std::string(text)});
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return read;
}

}  // namespace llmload::dataset
