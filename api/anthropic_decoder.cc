#include "api/anthropic_decoder.h"

#include <string_view>

namespace llmload {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// A string field: kAbsent when missing or null, kWrongType when it is something else.
enum class FieldRead { kAbsent, kString, kWrongType };
FieldRead ReadString(const object& o, std::string_view key, std::string_view* out) {
  element e;
  if (o[key].get(e) != SUCCESS || e.is_null()) return FieldRead::kAbsent;
  return e.get_string().get(*out) == SUCCESS ? FieldRead::kString : FieldRead::kWrongType;
}

// A token count: absent or null leaves *out alone; anything but a JSON integer in
// 0..kMaxReportedTokens (1.5, "12", true, -1, 1e30) is refused.
bool ReadCount(const object& o, std::string_view key, std::optional<int64_t>* out) {
  int64_t n = 0;
  switch (ReadJsonCount(o, key, &n)) {
    case JsonCount::kAbsent:
      return true;
    case JsonCount::kInvalid:
      return false;
    case JsonCount::kInteger:
      break;
  }
  if (n < 0 || n > kMaxReportedTokens) return false;
  *out = n;
  return true;
}

// {"type":"error","error":{"type","message"}} (the `error` object of an event or a body).
ApiError ReadError(const object& root) {
  ApiError error;
  element err;
  if (root["error"].get(err) != SUCCESS) return error;
  object eo;
  if (err.get_object().get(eo) == SUCCESS) {
    element e;
    if (eo["message"].get(e) == SUCCESS) error.message = JsonScalarText(e);
    if (eo["type"].get(e) == SUCCESS) error.type = JsonScalarText(e);
  } else {
    error.message = JsonScalarText(err);
  }
  return error;
}

}  // namespace

ErrorClass AnthropicErrorClass(absl::string_view error_type) {
  return error_type == "overloaded_error" ? ErrorClass::kOverloaded : ErrorClass::kApiError;
}

AnthropicDecoder::AnthropicDecoder() { stop_reason_.reserve(32); }

void AnthropicDecoder::Reset() {
  stop_seen_ = error_seen_ = malformed_seen_ = usage_invalid_ = false;
  content_chunks_ = 0;
  counts_ = UsageCounts();
  stop_reason_.clear();
  error_ = ApiError();
  json_.Release();
}

bool AnthropicDecoder::ReadUsage(element usage, bool read_output, UsageCounts* counts) {
  if (usage.is_null()) return true;
  object u;
  if (usage.get_object().get(u) != SUCCESS) return false;
  // Read into a copy: a usage with one bad count changes nothing.
  UsageCounts read = *counts;
  std::optional<int64_t> placeholder;  // message_start's output_tokens: checked, not believed
  if (!ReadCount(u, "input_tokens", &read.input) ||
      !ReadCount(u, "cache_creation_input_tokens", &read.cache_creation) ||
      !ReadCount(u, "cache_read_input_tokens", &read.cache_read) ||
      !ReadCount(u, "output_tokens", read_output ? &read.output : &placeholder)) {
    return false;
  }
  *counts = read;
  return true;
}

std::optional<TokenUsage> AnthropicDecoder::ToUsage(const UsageCounts& counts) {
  if (!counts.output) return std::nullopt;
  TokenUsage usage;
  usage.completion_tokens = *counts.output;
  // Each part is at most 10^9: the sum cannot overflow (CheckUsage judges its size).
  usage.prompt_tokens =
      counts.input.value_or(0) + counts.cache_creation.value_or(0) + counts.cache_read.value_or(0);
  return usage;
}

std::optional<TokenUsage> AnthropicDecoder::usage() const {
  if (usage_invalid_) return std::nullopt;
  return ToUsage(counts_);
}

AnthropicEventKind AnthropicDecoder::DecodeDelta(element delta_value, absl::string_view* text) {
  object delta;
  std::string_view type;
  if (delta_value.get_object().get(delta) != SUCCESS ||
      delta["type"].get_string().get(type) != SUCCESS) {
    return AnthropicEventKind::kMalformed;
  }
  std::string_view key;
  if (type == "text_delta") {
    key = "text";
  } else if (type == "thinking_delta") {
    key = "thinking";
  } else if (type == "input_json_delta") {
    key = "partial_json";
  } else {
    return AnthropicEventKind::kOther;  // signature_delta, citations_delta, newer kinds
  }
  std::string_view s;
  switch (ReadString(delta, key, &s)) {
    case FieldRead::kWrongType:
      return AnthropicEventKind::kMalformed;
    case FieldRead::kAbsent:
      return AnthropicEventKind::kOther;
    case FieldRead::kString:
      break;
  }
  if (s.empty()) return AnthropicEventKind::kOther;
  *text = ToAbsl(s);
  return AnthropicEventKind::kContent;
}

AnthropicEvent AnthropicDecoder::Decode(absl::string_view data) {
  AnthropicEvent event;
  object obj;
  std::string_view type;
  if (!json_.ParseObject(data, &obj) || obj["type"].get_string().get(type) != SUCCESS) {
    malformed_seen_ = true;
    event.kind = AnthropicEventKind::kMalformed;
    return event;
  }
  element e;
  if (type == "content_block_delta") {
    if (obj["delta"].get(e) != SUCCESS) {
      event.kind = AnthropicEventKind::kMalformed;
    } else {
      event.kind = DecodeDelta(e, &event.text);
    }
  } else if (type == "message_start") {
    object message;
    if (obj["message"].get_object().get(message) != SUCCESS) {
      event.kind = AnthropicEventKind::kMalformed;
    } else if (message["usage"].get(e) == SUCCESS &&
               !ReadUsage(e, /*read_output=*/false, &counts_)) {
      usage_invalid_ = true;
    }
  } else if (type == "message_delta") {
    object delta;
    if (obj["delta"].get_object().get(delta) == SUCCESS) {
      std::string_view reason;
      if (ReadString(delta, "stop_reason", &reason) == FieldRead::kString) {
        stop_reason_.assign(reason.data(), reason.size());
      }
    }
    if (obj["usage"].get(e) == SUCCESS && !ReadUsage(e, /*read_output=*/true, &counts_)) {
      usage_invalid_ = true;
    }
  } else if (type == "message_stop") {
    stop_seen_ = true;
    event.kind = AnthropicEventKind::kStop;
  } else if (type == "error") {
    // Keep the first error: a later one says less about what went wrong.
    if (!error_seen_) error_ = ReadError(obj);
    error_seen_ = true;
    event.kind = AnthropicEventKind::kError;
  }
  // ping, content_block_start, content_block_stop and kinds added later carry nothing we use.
  if (event.kind == AnthropicEventKind::kMalformed) malformed_seen_ = true;
  if (event.kind == AnthropicEventKind::kContent) ++content_chunks_;
  return event;
}

AnthropicBody AnthropicDecoder::DecodeBody(absl::string_view body) {
  AnthropicBody out;
  object obj;
  std::string_view type;
  if (!json_.ParseObject(body, &obj)) {
    out.malformed = true;
    return out;
  }
  const bool has_type = obj["type"].get_string().get(type) == SUCCESS;
  if (has_type && type == "error") {
    out.error = true;
    out.error_info = ReadError(obj);
    return out;
  }
  array content;
  if ((has_type && type != "message") || obj["content"].get_array().get(content) != SUCCESS) {
    out.malformed = true;
    return out;
  }
  for (element block_value : content) {
    object block;
    if (block_value.get_object().get(block) != SUCCESS) {
      out.malformed = true;
      return out;
    }
    std::string_view s;
    if (ReadString(block, "text", &s) == FieldRead::kString ||
        ReadString(block, "thinking", &s) == FieldRead::kString) {
      out.text.append(s.data(), s.size());
    }
  }
  std::string_view reason;
  if (ReadString(obj, "stop_reason", &reason) == FieldRead::kString) {
    out.stop_reason = std::string(reason);
  }
  element usage;
  if (obj["usage"].get(usage) == SUCCESS) {
    UsageCounts counts;
    if (ReadUsage(usage, /*read_output=*/true, &counts)) {
      out.usage = ToUsage(counts);
    } else {
      out.usage_invalid = true;
    }
  }
  return out;
}

ApiError AnthropicDecoder::DecodeErrorBody(absl::string_view body) {
  object obj;
  element err;
  if (json_.ParseObject(body, &obj) && obj["error"].get(err) == SUCCESS) return ReadError(obj);
  ApiError error;
  error.message = RawErrorText(body);
  return error;
}

}  // namespace llmload
