#include "tokenizer/normalizer.h"

#include <cstdlib>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/utf8.h"
#include "tokenizer/json_fields.h"
#include "utf8proc.h"

namespace llmload::tokenizer {
namespace {

constexpr absl::string_view kSupported = "Sequence, NFC, NFD, NFKC, NFKD, Prepend, Replace, Strip";

bool IsAscii(absl::string_view s) {
  for (char c : s) {
    if (static_cast<uint8_t>(c) >= 0x80) return false;
  }
  return true;
}

// utf8proc_map's result, freed with free().
struct FreeDeleter {
  void operator()(utf8proc_uint8_t* p) const { std::free(p); }
};

void UnicodeForm(absl::string_view text, int options, std::string* out) {
  if (IsAscii(text)) {  // every normalization form leaves ASCII as it is
    out->append(text.data(), text.size());
    return;
  }
  utf8proc_uint8_t* mapped = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                          static_cast<utf8proc_ssize_t>(text.size()), &mapped,
                                          static_cast<utf8proc_option_t>(options));
  std::unique_ptr<utf8proc_uint8_t, FreeDeleter> owned(mapped);
  // The text is well-formed UTF-8 (the tokenizer repairs it first), so utf8proc fails only
  // when out of memory; the text is then left as it is rather than lost.
  if (n < 0) {
    out->append(text.data(), text.size());
    return;
  }
  out->append(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
}

}  // namespace

absl::Status Normalizer::AddSteps(simdjson::dom::element json, const std::string& where,
                                  std::vector<Step>* steps) {
  absl::StatusOr<std::string> type = TypeField(json, where);
  if (!type.ok()) return type.status();
  if (*type == "Sequence") {
    return ForEachListItem(json, "normalizers", where,
                           [&](simdjson::dom::element step, const std::string& step_where) {
                             return AddSteps(step, step_where, steps);
                           });
  }
  Step step;
  if (*type == "NFC" || *type == "NFD" || *type == "NFKC" || *type == "NFKD") {
    step.kind = Step::Kind::kUnicodeForm;
    step.utf8proc_options =
        UTF8PROC_STABLE |
        (type->find('C') != std::string::npos ? UTF8PROC_COMPOSE : UTF8PROC_DECOMPOSE);
    if (type->find('K') != std::string::npos) step.utf8proc_options |= UTF8PROC_COMPAT;
  } else if (*type == "Prepend") {
    step.kind = Step::Kind::kPrepend;
    absl::StatusOr<std::string> prepend = StringField(json, "prepend", where);
    if (!prepend.ok()) return prepend.status();
    step.text = *std::move(prepend);
  } else if (*type == "Replace") {
    step.kind = Step::Kind::kReplace;
    absl::StatusOr<std::string> content = StringField(json, "content", where);
    if (!content.ok()) return content.status();
    step.text = *std::move(content);
    simdjson::dom::element pattern;
    if (json["pattern"].get(pattern) != simdjson::SUCCESS || !pattern.is_object()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": field 'pattern' is missing"));
    }
    absl::StatusOr<SplitPattern> compiled = PatternField(pattern);
    if (!compiled.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": ", compiled.status().message()));
    }
    step.pattern = *std::move(compiled);
  } else if (*type == "Strip") {
    step.kind = Step::Kind::kStrip;
    absl::StatusOr<bool> left = BoolField(json, "strip_left", true, where);
    absl::StatusOr<bool> right = BoolField(json, "strip_right", true, where);
    if (!left.ok()) return left.status();
    if (!right.ok()) return right.status();
    step.strip_left = *left;
    step.strip_right = *right;
  } else {
    return UnsupportedComponent(where, absl::StrCat("normalizer type '", *type, "'"), kSupported);
  }
  steps->push_back(std::move(step));
  return absl::OkStatus();
}

absl::StatusOr<Normalizer> Normalizer::FromJson(std::optional<simdjson::dom::element> json,
                                                absl::string_view where) {
  Normalizer normalizer;
  if (!json.has_value() || json->is_null()) return normalizer;
  if (absl::Status s = AddSteps(*json, std::string(where), &normalizer.steps_); !s.ok()) return s;
  return normalizer;
}

void Normalizer::ApplyStep(const Step& step, absl::string_view text, std::string* out) {
  out->clear();
  switch (step.kind) {
    case Step::Kind::kUnicodeForm:
      UnicodeForm(text, step.utf8proc_options, out);
      return;
    case Step::Kind::kPrepend:
      if (!text.empty()) out->append(step.text);
      out->append(text.data(), text.size());
      return;
    case Step::Kind::kReplace: {
      // Matches are found in `text`; a literal pattern needs no list (and no allocation).
      size_t pos = 0;
      step.pattern->ForEachMatch(text, [&](const Span& m) {
        out->append(text.data() + pos, m.begin - pos);
        out->append(step.text);
        pos = m.end;
      });
      out->append(text.data() + pos, text.size() - pos);
      return;
    }
    case Step::Kind::kStrip: {
      const size_t left = step.strip_left ? Utf8PrefixLength(text, IsUnicodeWhiteSpace) : 0;
      if (left == text.size()) return;
      const size_t right = step.strip_right ? Utf8SuffixLength(text, IsUnicodeWhiteSpace) : 0;
      out->append(text.data() + left, text.size() - left - right);
      return;
    }
  }
}

void Normalizer::Apply(absl::string_view text, std::string* out, std::string* spare) const {
  out->assign(text.data(), text.size());
  for (const Step& step : steps_) {
    ApplyStep(step, *out, spare);
    out->swap(*spare);
  }
}

std::string Normalizer::Apply(absl::string_view text) const {
  std::string out;
  std::string spare;
  Apply(text, &out, &spare);
  return out;
}

}  // namespace llmload::tokenizer
