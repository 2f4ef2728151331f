#include "dataset/dataset_loader.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/input_file.h"
#include "common/splitmix64.h"
#include "dataset/dataset_format_table.h"
#include "dataset/prompt_template.h"

namespace llmload::dataset {
namespace {

absl::StatusOr<std::string> ReadDatasetFile(const std::string& path) {
  absl::StatusOr<std::string> contents = ReadInputFile(path);
  if (!contents.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--dataset: cannot read '", path, "': ", contents.status().message()));
  }
  return contents;
}

// The format the options name, or the one auto detects.
absl::StatusOr<DetectedFormat> ChooseFormat(absl::string_view contents, absl::string_view path,
                                            const DatasetLoadOptions& options) {
  const std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(options.format));
  if (name.empty() || name == "auto") return DetectDatasetFormat(contents, path);
  const DatasetFormat* format = FindDatasetFormat(name);
  if (format == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("--dataset-format: unknown format '",
                                                   options.format, "' (one of ",
                                                   DatasetFormatNames(), ")"));
  }
  return DetectedFormat{format, "--dataset-format"};
}

// --shuffle, then --num-prompts, on prompts or conversations alike.
template <typename T>
void Sample(std::vector<T>& items, const DatasetLoadOptions& options) {
  if (options.shuffle) {
    // Fisher-Yates on our own seeded generator: the order depends on --seed alone.
    SplitMix64Generator random(SplitMix64(options.seed ^ 0x73687566666c65ULL));  // "shuffle"
    for (size_t i = items.size(); i > 1; --i) {
      const size_t j = static_cast<size_t>(random.Next() % i);
      std::swap(items[i - 1], items[j]);
    }
  }
  if (options.num_prompts > 0 && items.size() > options.num_prompts) {
    items.resize(options.num_prompts);
  }
}

// What the report says about the file: `records` read, `skipped` of them passed over (and
// why), `available` after the filters, `used` after --shuffle and --num-prompts.
void Describe(DatasetSource* source, absl::string_view path, const DetectedFormat& detected,
              const DatasetLoadOptions& options, size_t records, size_t skipped,
              const std::string& skipped_why, size_t available, size_t used) {
  if (source == nullptr) return;
  source->path = std::string(path);
  source->format = std::string(detected.format->name);
  source->chosen_by = detected.why;
  source->records = records;
  source->skipped = skipped;
  source->skipped_why = skipped > 0 ? skipped_why : "";
  source->available = available;
  source->shuffled = options.shuffle;
  source->used = used;
}

}  // namespace

absl::StatusOr<std::vector<Prompt>> LoadDataset(const std::string& path,
                                                const DatasetLoadOptions& options,
                                                DatasetSource* source) {
  absl::StatusOr<std::string> contents = ReadDatasetFile(path);
  if (!contents.ok()) return contents.status();
  return ParseDataset(*contents, path, options, source);
}

absl::StatusOr<std::vector<Prompt>> ParseDataset(absl::string_view contents, absl::string_view path,
                                                 const DatasetLoadOptions& options,
                                                 DatasetSource* source) {
  absl::StatusOr<DetectedFormat> detected = ChooseFormat(contents, path, options);
  if (!detected.ok()) return detected.status();
  if (!options.column.empty() && detected->format->name != "csv") {
    return absl::InvalidArgumentError(absl::StrCat("--column: only a csv dataset has columns; '",
                                                   path, "' is read as ", detected->format->name));
  }
  absl::StatusOr<ReadPrompts> read =
      detected->format->read_prompts(contents, path, ReadOptions{options.column});
  if (!read.ok()) return read.status();
  if (read->prompts.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--dataset: '", path, "' has no prompts (",
        read->skipped > 0
            ? absl::StrCat("all ", read->skipped, " records were passed over: ", read->skipped_why)
            : std::string("the file is empty or only has blank lines"),
        ")"));
  }
  const size_t records = read->prompts.size() + read->skipped;
  std::vector<Prompt> prompts = std::move(read->prompts);
  if (!options.prompt_template.empty()) {
    absl::StatusOr<PromptTemplate> t = PromptTemplate::Parse(options.prompt_template);
    if (!t.ok()) return t.status();
    for (Prompt& p : prompts) p.text = t->Apply(p.text);
  }
  absl::StatusOr<std::vector<Prompt>> kept =
      FilterPromptsByLength(std::move(prompts), options.length, path);
  if (!kept.ok()) return kept.status();
  const size_t available = kept->size();
  Sample(*kept, options);
  Describe(source, path, *detected, options, records, read->skipped, read->skipped_why, available,
           kept->size());
  return kept;
}

absl::StatusOr<std::vector<Conversation>> LoadDatasetConversations(
    const std::string& path, const DatasetLoadOptions& options, DatasetSource* source) {
  absl::StatusOr<std::string> contents = ReadDatasetFile(path);
  if (!contents.ok()) return contents.status();
  return ParseDatasetConversations(*contents, path, options, source);
}

absl::StatusOr<std::vector<Conversation>> ParseDatasetConversations(
    absl::string_view contents, absl::string_view path, const DatasetLoadOptions& options,
    DatasetSource* source) {
  absl::StatusOr<DetectedFormat> detected = ChooseFormat(contents, path, options);
  if (!detected.ok()) return detected.status();
  if (detected->format->read_conversations == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--multi-turn: '", path, "' is read as ", detected->format->name, " (", detected->why,
        "), which holds single prompts, not conversations (use jsonl, "
        "qianfan or sharegpt)"));
  }
  absl::StatusOr<ReadConversations> read = detected->format->read_conversations(contents, path);
  if (!read.ok()) return read.status();
  if (read->conversations.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--dataset: '", path, "' has no conversations",
        read->skipped > 0
            ? absl::StrCat(" (all ", read->skipped, " were passed over: ", read->skipped_why, ")")
            : ""));
  }
  const size_t available = read->conversations.size();
  Sample(read->conversations, options);
  Describe(source, path, *detected, options, available + read->skipped, read->skipped,
           read->skipped_why, available, read->conversations.size());
  return std::move(read->conversations);
}

}  // namespace llmload::dataset
