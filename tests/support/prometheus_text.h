// Parses the Prometheus text exposition format (version 0.0.4) as our tests need it: every
// sample with its name, labels and value, and each family's TYPE. Strict about what it reads
// (a malformed line is an error naming the line), so a test that parses a scrape also checks
// that the scrape is well formed.
#ifndef LLMLOAD_TESTS_SUPPORT_PROMETHEUS_TEXT_H_
#define LLMLOAD_TESTS_SUPPORT_PROMETHEUS_TEXT_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace llmload::testing {

using PromLabels = std::map<std::string, std::string>;

struct PromSample {
  std::string name;
  PromLabels labels;
  double value = 0;
};

struct PromText {
  std::vector<PromSample> samples;
  std::map<std::string, std::string> types;  // family name -> counter, gauge, histogram...

  // Samples named `name` whose labels include every pair of `subset`.
  std::vector<const PromSample*> Find(const std::string& name, const PromLabels& subset = {}) const;
  // The value of the one sample that matches; nullopt if none or several match.
  std::optional<double> Value(const std::string& name, const PromLabels& subset = {}) const;
  // Sum over every matching sample (0 if none).
  double Sum(const std::string& name, const PromLabels& subset = {}) const;
  // Every distinct sample name (histograms give NAME_bucket, NAME_sum, NAME_count).
  std::set<std::string> SampleNames() const;
};

absl::StatusOr<PromText> ParsePrometheusText(const std::string& text);

}  // namespace llmload::testing

#endif  // LLMLOAD_TESTS_SUPPORT_PROMETHEUS_TEXT_H_
