#include "schedule/trace_file.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/input_file.h"
#include "nlohmann/json.hpp"

namespace llmload::schedule {
namespace {

constexpr int64_t kNsPerMs = 1'000'000;
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// A value as a message shows it: a number as written, anything else by its type.
std::string Shown(const nlohmann::json& value) {
  if (value.is_number_float() && !std::isfinite(value.get<double>())) {
    return "a number out of range";  // nlohmann would print it as "null"
  }
  return value.is_number() ? value.dump() : JsonTypeName(value);
}

absl::Status FieldError(absl::string_view where, absl::string_view field, absl::string_view want,
                        const nlohmann::json& value) {
  return absl::InvalidArgumentError(
      absl::StrCat(where, ": field '", field, "' must be ", want, ", got ", Shown(value)));
}

// `value` when it is a JSON integer within [min, max]; nlohmann keeps non-negative integers
// as unsigned, negative ones as signed, and fractions (even 5.0) as floats.
std::optional<int64_t> IntegerIn(const nlohmann::json& value, int64_t min, int64_t max) {
  if (value.is_number_unsigned()) {
    const uint64_t n = value.get<uint64_t>();
    if (n > static_cast<uint64_t>(max) || static_cast<int64_t>(n) < min) return std::nullopt;
    return static_cast<int64_t>(n);
  }
  if (value.is_number_integer()) {
    const int64_t n = value.get<int64_t>();
    if (n < min || n > max) return std::nullopt;
    return n;
  }
  return std::nullopt;
}

// Why `value` is not an integer within [min, max] (IntegerIn said it is not).
absl::Status IntegerError(absl::string_view where, absl::string_view field,
                          const nlohmann::json& value, int64_t min, int64_t max) {
  const bool too_large = value.is_number_unsigned()
                             ? value.get<uint64_t>() > static_cast<uint64_t>(max)
                             : value.is_number_integer() && value.get<int64_t>() > max;
  if (too_large) return FieldError(where, field, absl::StrCat("at most ", max), value);
  return FieldError(where, field, absl::StrCat("an integer >= ", min), value);
}

absl::StatusOr<int64_t> IntegerField(const nlohmann::json& value, absl::string_view where,
                                     absl::string_view field, int64_t min, int64_t max) {
  if (std::optional<int64_t> n = IntegerIn(value, min, max)) return *n;
  return IntegerError(where, field, value, min, max);
}

// `timestamp` (ms, an integer or a fraction) in ns, rounded to the nearest.
absl::StatusOr<int64_t> TimestampNs(const nlohmann::json& value, absl::string_view where) {
  constexpr absl::string_view kWant = "a number >= 0";
  if (!value.is_number()) return FieldError(where, "timestamp", kWant, value);
  const absl::Status too_large = FieldError(
      where, "timestamp", absl::StrCat("at most ", kMaxTraceTimestampMs, " (ms)"), value);
  if (value.is_number_integer()) {
    if (std::optional<int64_t> ms = IntegerIn(value, 0, kMaxTraceTimestampMs)) {
      return *ms * kNsPerMs;
    }
    return value.is_number_unsigned() ? too_large : FieldError(where, "timestamp", kWant, value);
  }
  const double ms = value.get<double>();
  if (std::isnan(ms) || ms < 0) return FieldError(where, "timestamp", kWant, value);
  if (!(ms <= static_cast<double>(kMaxTraceTimestampMs))) return too_large;
  // Whole milliseconds exactly, then the fraction (exact in a double) rounded: the product
  // ms * 1e6 would lose up to a microsecond at large offsets.
  const double whole = std::floor(ms);
  return static_cast<int64_t>(whole) * kNsPerMs + std::llround((ms - whole) * kNsPerMs);
}

absl::Status ParseHashIds(const nlohmann::json& value, absl::string_view where,
                          std::vector<int64_t>& hash_ids) {
  if (!value.is_array()) return FieldError(where, "hash_ids", "an array of integers >= 0", value);
  if (value.size() > static_cast<size_t>(kMaxTraceHashIds)) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": field 'hash_ids' has ", value.size(),
                                                   " ids, more than the ", kMaxTraceHashIds,
                                                   " allowed"));
  }
  hash_ids.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    std::optional<int64_t> id = IntegerIn(value[i], 0, kInt64Max);
    if (!id.has_value()) {
      return IntegerError(where, absl::StrCat("hash_ids[", i, "]"), value[i], 0, kInt64Max);
    }
    hash_ids.push_back(*id);
  }
  return absl::OkStatus();
}

// One line of the trace; `where` is "<path>:<line>".
absl::StatusOr<TraceRequest> ParseTraceLine(absl::string_view line, int64_t line_number,
                                            absl::string_view where) {
  absl::StatusOr<nlohmann::json> parsed = ParseJsonLine(line, where);
  if (!parsed.ok()) return parsed.status();
  const nlohmann::json& record = *parsed;
  if (!record.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": expected a JSON object with a 'timestamp' field, got ", JsonTypeName(record)));
  }
  TraceRequest request;
  request.line = line_number;

  const auto timestamp = record.find("timestamp");
  if (timestamp == record.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": missing field 'timestamp' (milliseconds from the trace's start)"));
  }
  absl::StatusOr<int64_t> offset_ns = TimestampNs(*timestamp, where);
  if (!offset_ns.ok()) return offset_ns.status();
  request.offset_ns = *offset_ns;

  const auto input_length = record.find("input_length");
  const auto hash_ids = record.find("hash_ids");
  const char* const text_field = record.contains("prompt")     ? "prompt"
                                 : record.contains("messages") ? "messages"
                                                               : nullptr;
  if (input_length != record.end()) {
    if (text_field != nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": fields 'input_length' and '", text_field,
                       "' together: give either input_length or prompt/messages"));
    }
    absl::StatusOr<int64_t> tokens =
        IntegerField(*input_length, where, "input_length", 1, kMaxTraceInputLength);
    if (!tokens.ok()) return tokens.status();
    request.input_length = *tokens;
    if (hash_ids != record.end()) {
      if (absl::Status status = ParseHashIds(*hash_ids, where, request.hash_ids); !status.ok()) {
        return status;
      }
    }
  } else if (hash_ids != record.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where,
                     ": field 'hash_ids' without 'input_length' (hash ids name the "
                     "blocks of a synthetic prompt of input_length tokens)"));
  } else {
    absl::StatusOr<std::optional<std::string>> prompt = RecordPrompt(record, where);
    if (!prompt.ok()) return prompt.status();
    if (!prompt->has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where,
                       ": missing field 'input_length' or 'prompt'/'messages': give "
                       "either input_length or prompt/messages"));
    }
    request.prompt = **std::move(prompt);
  }

  if (const auto output_length = record.find("output_length"); output_length != record.end()) {
    absl::StatusOr<int64_t> tokens =
        IntegerField(*output_length, where, "output_length", 1, kInt64Max);
    if (!tokens.ok()) return tokens.status();
    request.output_length = *tokens;
  }
  return request;
}

}  // namespace

absl::StatusOr<Trace> ParseTrace(absl::string_view contents, absl::string_view path) {
  Trace trace{std::string(path), {}};
  int64_t input_tokens = 0;
  const absl::Status status =
      ForEachInputLine(contents, [&](size_t line_number, absl::string_view line) -> absl::Status {
        const std::string where = absl::StrCat(path, ":", line_number);
        if (line_number > static_cast<size_t>(kMaxTraceLines)) {
          return absl::InvalidArgumentError(absl::StrCat(where, ": the trace has more than ",
                                                         kMaxTraceLines, " lines (the limit)"));
        }
        absl::StatusOr<TraceRequest> request =
            ParseTraceLine(line, static_cast<int64_t>(line_number), where);
        if (!request.ok()) return request.status();
        input_tokens += request->input_length;  // each at most 1e6: no overflow
        if (input_tokens > kMaxTraceInputTokens) {
          return absl::InvalidArgumentError(absl::StrCat(
              where, ": the synthetic prompts' input_length sums to more than ",
              kMaxTraceInputTokens, " tokens (the limit: their text is built before the run)"));
        }
        trace.requests.push_back(*std::move(request));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  if (trace.requests.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--trace: '", path, "' has no requests (the file is empty or only has blank lines)"));
  }
  const auto by_offset = [](const TraceRequest& a, const TraceRequest& b) {
    return a.offset_ns < b.offset_ns;
  };
  if (!std::is_sorted(trace.requests.begin(), trace.requests.end(), by_offset)) {
    std::stable_sort(trace.requests.begin(), trace.requests.end(), by_offset);
  }
  return trace;
}

absl::StatusOr<Trace> LoadTraceFile(const std::string& path) {
  absl::StatusOr<std::string> contents = ReadInputFile(path);
  if (!contents.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--trace: cannot read '", path, "': ", contents.status().message()));
  }
  return ParseTrace(*contents, path);
}

}  // namespace llmload::schedule
