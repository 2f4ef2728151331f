#include "tokenizer/pre_tokenizer.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tokenizer/json_fields.h"

namespace llmload::tokenizer {
namespace {

constexpr absl::string_view kSupported = "Sequence, Split, ByteLevel";

// The split ByteLevel makes itself when its use_regex is true: GPT-2's pattern.
constexpr absl::string_view kGpt2Pattern =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

}  // namespace

absl::Status PreTokenizer::AddSteps(simdjson::dom::element json, const std::string& where,
                                    PreTokenizer* pre_tokenizer) {
  absl::StatusOr<std::string> type = TypeField(json, where);
  if (!type.ok()) return type.status();
  if (*type == "Sequence") {
    return ForEachListItem(json, "pretokenizers", where,
                           [&](simdjson::dom::element step, const std::string& step_where) {
                             return AddSteps(step, step_where, pre_tokenizer);
                           });
  }
  Step step;
  if (*type == "Split") {
    simdjson::dom::element pattern;
    if (json["pattern"].get(pattern) != simdjson::SUCCESS || !pattern.is_object()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": field 'pattern' is missing"));
    }
    absl::StatusOr<SplitPattern> compiled = PatternField(pattern);
    if (!compiled.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": ", compiled.status().message()));
    }
    step.pattern = *std::move(compiled);
    absl::StatusOr<std::string> behavior = StringField(json, "behavior", where);
    if (!behavior.ok()) return behavior.status();
    static constexpr std::pair<absl::string_view, Behavior> kBehaviors[] = {
        {"Isolated", Behavior::kIsolated},
        {"Removed", Behavior::kRemoved},
        {"MergedWithPrevious", Behavior::kMergedWithPrevious},
        {"MergedWithNext", Behavior::kMergedWithNext},
        {"Contiguous", Behavior::kContiguous},
    };
    const auto* known = std::find_if(std::begin(kBehaviors), std::end(kBehaviors),
                                     [&](const auto& b) { return b.first == *behavior; });
    if (known == std::end(kBehaviors)) {
      return UnsupportedComponent(where, absl::StrCat("split behavior '", *behavior, "'"),
                                  "Isolated, Removed, MergedWithPrevious, MergedWithNext, "
                                  "Contiguous");
    }
    step.behavior = known->second;
    absl::StatusOr<bool> invert = BoolField(json, "invert", false, where);
    if (!invert.ok()) return invert.status();
    if (*invert) return UnsupportedComponent(where, "a Split with invert: true", "invert: false");
  } else if (*type == "ByteLevel") {
    absl::StatusOr<bool> prefix = BoolField(json, "add_prefix_space", true, where);
    absl::StatusOr<bool> use_regex = BoolField(json, "use_regex", true, where);
    if (!prefix.ok()) return prefix.status();
    if (!use_regex.ok()) return use_regex.status();
    step.add_prefix_space = *prefix;
    if (*use_regex) {
      absl::StatusOr<SplitPattern> gpt2 = SplitPattern::FromRegex(kGpt2Pattern);
      if (!gpt2.ok()) return gpt2.status();
      step.pattern = *std::move(gpt2);
    }
    pre_tokenizer->byte_level_ = true;
  } else {
    return UnsupportedComponent(where, absl::StrCat("pre-tokenizer type '", *type, "'"),
                                kSupported);
  }
  pre_tokenizer->steps_.push_back(std::move(step));
  return absl::OkStatus();
}

absl::StatusOr<PreTokenizer> PreTokenizer::FromJson(std::optional<simdjson::dom::element> json,
                                                    absl::string_view where) {
  PreTokenizer pre_tokenizer;
  if (!json.has_value() || json->is_null()) return pre_tokenizer;
  if (absl::Status s = AddSteps(*json, std::string(where), &pre_tokenizer); !s.ok()) return s;
  return pre_tokenizer;
}

void PreTokenizer::ApplyStep(const Step& step, absl::string_view piece, Scratch* scratch) const {
  if (step.add_prefix_space && !absl::StartsWith(piece, " ")) {
    scratch->storage.push_back(absl::StrCat(" ", piece));
    piece = scratch->storage.back();
  }
  if (!step.pattern.has_value()) {
    scratch->next.push_back(piece);
    return;
  }
  std::vector<Span>& matches = scratch->matches;
  matches.clear();
  step.pattern->FindAll(piece, &matches);
  // The piece as alternating runs: the text between matches, and the matches.
  std::vector<std::pair<Span, bool>>& parts = scratch->parts;
  parts.clear();
  size_t pos = 0;
  for (const Span& m : matches) {
    if (m.begin > pos) parts.push_back({{pos, m.begin}, false});
    parts.push_back({m, true});
    pos = m.end;
  }
  if (pos < piece.size()) parts.push_back({{pos, piece.size()}, false});

  std::vector<Span>& kept = scratch->kept;
  kept.clear();
  switch (step.behavior) {
    case Behavior::kIsolated:
      for (const auto& [span, is_match] : parts) kept.push_back(span);
      break;
    case Behavior::kRemoved:
      for (const auto& [span, is_match] : parts) {
        if (!is_match) kept.push_back(span);
      }
      break;
    case Behavior::kMergedWithPrevious: {
      bool previous_match = false;
      for (const auto& [span, is_match] : parts) {
        if (is_match && !previous_match && !kept.empty()) {
          kept.back().end = span.end;
        } else {
          kept.push_back(span);
        }
        previous_match = is_match;
      }
      break;
    }
    case Behavior::kMergedWithNext: {
      bool next_match = false;
      for (auto p = parts.rbegin(); p != parts.rend(); ++p) {
        if (p->second && !next_match && !kept.empty()) {
          kept.back().begin = p->first.begin;
        } else {
          kept.push_back(p->first);
        }
        next_match = p->second;
      }
      std::reverse(kept.begin(), kept.end());
      break;
    }
    case Behavior::kContiguous: {
      bool previous_match = false;
      for (const auto& [span, is_match] : parts) {
        if (is_match && previous_match) {
          kept.back().end = span.end;
        } else {
          kept.push_back(span);
        }
        previous_match = is_match;
      }
      break;
    }
  }
  for (const Span& s : kept) scratch->next.push_back(piece.substr(s.begin, s.end - s.begin));
}

void PreTokenizer::Split(absl::string_view text, Scratch* scratch) const {
  scratch->storage.clear();
  scratch->pieces.clear();
  scratch->pieces.push_back(text);
  for (const Step& step : steps_) {
    scratch->next.clear();
    for (absl::string_view piece : scratch->pieces) ApplyStep(step, piece, scratch);
    scratch->pieces.swap(scratch->next);
  }
}

}  // namespace llmload::tokenizer
