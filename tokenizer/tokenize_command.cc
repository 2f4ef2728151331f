#include "tokenizer/tokenize_command.h"

#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/input_file.h"
#include "tokenizer/tokenizer.h"

namespace llmload::tokenizer {
namespace {

struct TokenizeFlags {
  std::string tokenizer;
  std::vector<std::string> files;
  bool lines = false;
  bool ids = false;
  bool stats = false;
};

struct Input {
  std::string name;
  std::string text;
};

// One output line: the count (or the ids as a JSON array) and what was counted.
std::string Row(const std::vector<int32_t>& ids, bool print_ids, const std::string& name) {
  const std::string value =
      print_ids ? absl::StrCat("[", absl::StrJoin(ids, ","), "]") : absl::StrCat(ids.size());
  return name.empty() ? absl::StrCat(value, "\n") : absl::StrCat(value, "\t", name, "\n");
}

int RunTokenize(const TokenizeFlags& flags) {
  const absl::Time load_start = absl::Now();
  absl::StatusOr<std::unique_ptr<const Tokenizer>> tokenizer = Tokenizer::Load(flags.tokenizer);
  if (!tokenizer.ok()) {
    std::fprintf(stderr, "llmload tokenize: --tokenizer: %s\n",
                 std::string(tokenizer.status().message()).c_str());
    return kExitBadInput;
  }
  const absl::Duration load_time = absl::Now() - load_start;

  std::vector<Input> inputs;
  if (flags.files.empty()) {
    inputs.push_back({"", std::string(std::istreambuf_iterator<char>(std::cin), {})});
  }
  for (const std::string& file : flags.files) {
    absl::StatusOr<std::string> text = ReadInputFile(file);
    if (!text.ok()) {
      std::fprintf(stderr, "llmload tokenize: cannot read %s: %s\n", file.c_str(),
                   std::string(text.status().message()).c_str());
      return kExitBadInput;
    }
    inputs.push_back({file, *std::move(text)});
  }

  std::string out;
  size_t total_tokens = 0;
  size_t total_bytes = 0;
  absl::Duration encode_time;
  std::vector<int32_t> ids;
  Tokenizer::Encoder encoder(**tokenizer);
  const auto encode = [&](absl::string_view text) {
    ids.clear();
    const absl::Time start = absl::Now();
    encoder.Encode(text, &ids);
    encode_time += absl::Now() - start;
    total_tokens += ids.size();
    total_bytes += text.size();
  };
  for (const Input& input : inputs) {
    if (!flags.lines) {
      encode(input.text);
      out += Row(ids, flags.ids, input.name);
      continue;
    }
    size_t line_number = 0;
    for (absl::string_view line : absl::StrSplit(input.text, '\n')) {
      ++line_number;
      // The empty piece after a final newline is not a line.
      if (line.empty() && line.data() == input.text.data() + input.text.size()) break;
      // A CRLF line ends before its '\r', as --dataset reads lines.
      if (absl::EndsWith(line, "\r")) line.remove_suffix(1);
      encode(line);
      out +=
          Row(ids, flags.ids, input.name.empty() ? "" : absl::StrCat(input.name, ":", line_number));
    }
  }
  if (inputs.size() > 1 && !flags.ids && !flags.lines) {
    out += absl::StrCat(total_tokens, "\ttotal\n");
  }
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
    std::fprintf(stderr, "llmload tokenize: cannot write the counts to stdout\n");
    return kExitResultsIncomplete;
  }
  if (flags.stats) {
    const double seconds = absl::ToDoubleSeconds(encode_time);
    std::fprintf(stderr,
                 "tokenizer: %s (%s), loaded in %.3f s\n"
                 "encoded %zu bytes into %zu tokens in %.3f s: %.2f MB/s, %.0f tokens/s\n",
                 flags.tokenizer.c_str(), (*tokenizer)->Describe().c_str(),
                 absl::ToDoubleSeconds(load_time), total_bytes, total_tokens, seconds,
                 seconds > 0 ? total_bytes / 1e6 / seconds : 0.0,
                 seconds > 0 ? total_tokens / seconds : 0.0);
  }
  return kExitOk;
}

}  // namespace

void AddTokenizeCommand(CLI::App& parent, CommandAction* action) {
  auto flags = std::make_shared<TokenizeFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "tokenize",
      "Count the tokens of files (or stdin) with a model's tokenizer.json, as a run counts them.");
  cmd->add_option("--tokenizer", flags->tokenizer,
                  "A Hugging Face tokenizer.json, or a model directory holding one")
      ->required();
  cmd->add_option("files", flags->files, "Files to count (none: stdin)");
  cmd->add_flag("--lines", flags->lines,
                "Count each line on its own (a prompt per line; a CRLF's '\\r' is not counted)");
  cmd->add_flag("--ids", flags->ids, "Print the token ids (a JSON array) instead of the count");
  cmd->add_flag("--stats", flags->stats,
                "Say on stderr how long loading and encoding took (bytes and tokens per second)");
  cmd->callback([flags, action] { *action = [flags] { return RunTokenize(*flags); }; });
}

}  // namespace llmload::tokenizer
