#include "support/prometheus_text.h"

#include <cmath>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace llmload::testing {
namespace {

bool IsNameChar(char c, bool first) {
  return absl::ascii_isalpha(c) || c == '_' || c == ':' || (!first && absl::ascii_isdigit(c));
}

std::optional<double> ParseValue(absl::string_view v) {
  const std::string lower = absl::AsciiStrToLower(v);
  if (lower == "+inf" || lower == "inf") return std::numeric_limits<double>::infinity();
  if (lower == "-inf") return -std::numeric_limits<double>::infinity();
  if (lower == "nan") return std::numeric_limits<double>::quiet_NaN();
  double d = 0;
  if (!absl::SimpleAtod(v, &d)) return std::nullopt;
  return d;
}

absl::Status ParseLine(absl::string_view line, PromSample& out) {
  size_t i = 0;
  while (i < line.size() && IsNameChar(line[i], i == 0)) ++i;
  if (i == 0) return absl::InvalidArgumentError("no metric name");
  out.name = std::string(line.substr(0, i));
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (true) {
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      const size_t start = i;
      while (i < line.size() && IsNameChar(line[i], i == start)) ++i;
      if (i == start || i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') {
        return absl::InvalidArgumentError("bad label name");
      }
      const std::string key(line.substr(start, i - start));
      i += 2;
      std::string value;
      while (true) {
        if (i >= line.size()) return absl::InvalidArgumentError("unterminated label value");
        const char c = line[i++];
        if (c == '"') break;
        if (c == '\\') {
          if (i >= line.size()) return absl::InvalidArgumentError("bad escape");
          const char e = line[i++];
          value += e == 'n' ? '\n' : e;
        } else {
          value += c;
        }
      }
      if (!out.labels.emplace(key, value).second) {
        return absl::InvalidArgumentError(absl::StrCat("label '", key, "' twice"));
      }
      if (i < line.size() && line[i] == ',') ++i;
    }
  }
  if (i >= line.size() || line[i] != ' ') return absl::InvalidArgumentError("no value");
  std::vector<absl::string_view> rest = absl::StrSplit(line.substr(i + 1), ' ', absl::SkipEmpty());
  if (rest.empty() || rest.size() > 2) return absl::InvalidArgumentError("bad value/timestamp");
  std::optional<double> value = ParseValue(rest[0]);
  if (!value) return absl::InvalidArgumentError("bad value");
  out.value = *value;
  return absl::OkStatus();
}

bool Matches(const PromSample& s, const std::string& name, const PromLabels& subset) {
  if (s.name != name) return false;
  for (const auto& [k, v] : subset) {
    auto it = s.labels.find(k);
    if (it == s.labels.end() || it->second != v) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<PromText> ParsePrometheusText(const std::string& text) {
  PromText out;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::vector<absl::string_view> parts = absl::StrSplit(line, absl::MaxSplits(' ', 3));
      if (parts.size() >= 4 && parts[1] == "TYPE") {
        out.types[std::string(parts[2])] = std::string(parts[3]);
      }
      continue;
    }
    PromSample sample;
    absl::Status s = ParseLine(line, sample);
    if (!s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", number, ": ", s.message(), ": ", line));
    }
    out.samples.push_back(std::move(sample));
  }
  return out;
}

std::vector<const PromSample*> PromText::Find(const std::string& name,
                                              const PromLabels& subset) const {
  std::vector<const PromSample*> found;
  for (const PromSample& s : samples) {
    if (Matches(s, name, subset)) found.push_back(&s);
  }
  return found;
}

std::optional<double> PromText::Value(const std::string& name, const PromLabels& subset) const {
  std::vector<const PromSample*> found = Find(name, subset);
  if (found.size() != 1) return std::nullopt;
  return found[0]->value;
}

double PromText::Sum(const std::string& name, const PromLabels& subset) const {
  double sum = 0;
  for (const PromSample* s : Find(name, subset)) sum += s->value;
  return sum;
}

std::set<std::string> PromText::SampleNames() const {
  std::set<std::string> names;
  for (const PromSample& s : samples) names.insert(s.name);
  return names;
}

}  // namespace llmload::testing
