#include "api/openai_stream_decoder.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "api/json_fields.h"

namespace llmload {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

constexpr size_t kInitialBufferBytes = 4096;
// Larger buffers (from a big non-streamed body) are given back on Reset(): every virtual user
// owns a decoder, and one large response must not pin memory per user for the whole run.
constexpr size_t kKeepBufferBytes = 1 << 20;
// How much of a non-JSON error body is kept as its message.
constexpr size_t kMaxRawErrorBytes = 256;

absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Text of the first tool call in a delta with non-empty function arguments.
bool ToolCallArguments(const object& delta, std::string_view* out) {
  array calls;
  if (delta["tool_calls"].get_array().get(calls) != SUCCESS) return false;
  for (element call : calls) {
    object fn;
    if (call["function"].get_object().get(fn) == SUCCESS && NonEmptyString(fn, "arguments", out)) {
      return true;
    }
  }
  return false;
}

// The generated text of one streamed choice, per the rules in the header.
bool ChoiceText(const object& choice, std::string_view* out) {
  object delta;
  if (choice["delta"].get_object().get(delta) == SUCCESS) {
    return NonEmptyString(delta, "content", out) ||
           NonEmptyString(delta, "reasoning_content", out) ||
           NonEmptyString(delta, "reasoning", out) || ToolCallArguments(delta, out);
  }
  return NonEmptyString(choice, "text", out);
}

// `usage` of a chunk or body (json_fields.h).
std::optional<TokenUsage> ReadUsage(const object& root, bool* invalid) {
  return ReadUsageObject(root, "usage", "prompt_tokens", "completion_tokens", invalid);
}

std::string ScalarText(const element& e) {
  std::string_view s;
  if (e.get_string().get(s) == SUCCESS) return std::string(s);
  if (e.is_null()) return std::string();
  return simdjson::minify(e);  // numbers, booleans, or whatever a server put there
}

std::string StringField(const object& o, std::string_view key) {
  element e;
  return o[key].get(e) == SUCCESS ? ScalarText(e) : std::string();
}

// Recognizes an error payload and fills `out` (when non-null). The shapes: OpenAI's
// {"error":{"message","type","code"}}, TGI's {"error":"...","error_type":"..."}, and vLLM's
// {"object":"error","message","type","code"}.
bool ReadError(const object& root, ApiError* out) {
  element err;
  if (root["error"].get(err) == SUCCESS && !err.is_null()) {
    if (out == nullptr) return true;
    object eo;
    if (err.get_object().get(eo) == SUCCESS) {
      out->message = StringField(eo, "message");
      out->type = StringField(eo, "type");
      out->code = StringField(eo, "code");
    } else {
      out->message = ScalarText(err);
      out->type = StringField(root, "error_type");
    }
    return true;
  }
  std::string_view object_type;
  if (root["object"].get_string().get(object_type) == SUCCESS && object_type == "error") {
    if (out == nullptr) return true;
    out->message = StringField(root, "message");
    out->type = StringField(root, "type");
    out->code = StringField(root, "code");
    return true;
  }
  return false;
}

}  // namespace

absl::string_view ChunkKindName(ChunkKind kind) {
  switch (kind) {
    case ChunkKind::kContent:
      return "content";
    case ChunkKind::kEmpty:
      return "empty";
    case ChunkKind::kDone:
      return "done";
    case ChunkKind::kError:
      return "error";
    case ChunkKind::kMalformed:
      return "malformed";
  }
  return "unknown";
}

OpenAiStreamDecoder::OpenAiStreamDecoder()
    : buffer_(std::make_unique_for_overwrite<char[]>(kInitialBufferBytes)),
      buffer_capacity_(kInitialBufferBytes) {
  finish_reason_.reserve(32);
}

void OpenAiStreamDecoder::Reset() {
  chunks_ = 0;
  content_chunks_ = 0;
  content_bytes_ = 0;
  malformed_chunks_ = 0;
  done_seen_ = false;
  error_seen_ = false;
  finish_reason_.clear();
  usage_.reset();
  usage_invalid_ = false;
  error_ = ApiError();
  if (buffer_capacity_ > kKeepBufferBytes) {
    buffer_ = std::make_unique_for_overwrite<char[]>(kInitialBufferBytes);
    buffer_capacity_ = kInitialBufferBytes;
    parser_ = simdjson::dom::parser();
  }
}

bool OpenAiStreamDecoder::Parse(absl::string_view data, element* root) {
  const size_t needed = data.size() + simdjson::SIMDJSON_PADDING;
  if (needed > buffer_capacity_) {
    buffer_capacity_ = std::max(needed, 2 * buffer_capacity_);
    buffer_ = std::make_unique_for_overwrite<char[]>(buffer_capacity_);
  }
  std::memcpy(buffer_.get(), data.data(), data.size());
  // simdjson may read the padding; zeroing it keeps the reads defined for sanitizers.
  std::memset(buffer_.get() + data.size(), 0, simdjson::SIMDJSON_PADDING);
  return parser_.parse(buffer_.get(), data.size(), /*realloc_if_needed=*/false).get(*root) ==
         SUCCESS;
}

ChunkInfo OpenAiStreamDecoder::Decode(absl::string_view data) {
  ++chunks_;
  ChunkInfo info;
  if (absl::StripAsciiWhitespace(data) == "[DONE]") {
    done_seen_ = true;
    info.kind = ChunkKind::kDone;
    return info;
  }
  element root;
  object obj;
  if (!Parse(data, &root) || root.get_object().get(obj) != SUCCESS) {
    ++malformed_chunks_;
    info.kind = ChunkKind::kMalformed;
    return info;
  }
  if (ReadError(obj, nullptr)) {
    if (!error_seen_) ReadError(obj, &error_);  // keep the first: later ones are often echoes
    error_seen_ = true;
    info.kind = ChunkKind::kError;
    return info;
  }
  info.kind = ChunkKind::kEmpty;
  array choices;
  if (obj["choices"].get_array().get(choices) == SUCCESS) {
    for (element c : choices) {
      object choice;
      if (c.get_object().get(choice) != SUCCESS) continue;
      std::string_view text;
      if (ChoiceText(choice, &text)) {
        if (info.kind != ChunkKind::kContent) info.text = ToAbsl(text);
        info.kind = ChunkKind::kContent;
        content_bytes_ += static_cast<int64_t>(text.size());
      }
      std::string_view finish;
      if (NonEmptyString(choice, "finish_reason", &finish)) {
        info.has_finish_reason = true;
        finish_reason_.assign(finish.data(), finish.size());
      }
    }
  }
  if (std::optional<TokenUsage> usage = ReadUsage(obj, &usage_invalid_)) {
    // Servers reporting usage on every chunk (vLLM's continuous_usage_stats) send running
    // totals, so the last one is the request's.
    usage_ = usage;
    info.has_usage = true;
  }
  if (info.kind == ChunkKind::kContent) ++content_chunks_;
  return info;
}

ResponseInfo OpenAiStreamDecoder::DecodeResponseBody(absl::string_view body) {
  ResponseInfo out;
  element root;
  object obj;
  if (!Parse(body, &root) || root.get_object().get(obj) != SUCCESS) {
    out.kind = ChunkKind::kMalformed;
    return out;
  }
  if (ReadError(obj, &out.error)) {
    out.kind = ChunkKind::kError;
    return out;
  }
  out.usage = ReadUsage(obj, &out.usage_invalid);
  array choices;
  object choice;
  if (obj["choices"].get_array().get(choices) == SUCCESS &&
      choices.at(0).get_object().get(choice) == SUCCESS) {
    std::string_view text;
    object message;
    bool found = false;
    if (choice["message"].get_object().get(message) == SUCCESS) {
      found = NonEmptyString(message, "content", &text) ||
              NonEmptyString(message, "reasoning_content", &text) ||
              NonEmptyString(message, "reasoning", &text);
    } else {
      found = NonEmptyString(choice, "text", &text);
    }
    if (found) {
      out.kind = ChunkKind::kContent;
      out.text = std::string(text);
    }
    std::string_view finish;
    if (NonEmptyString(choice, "finish_reason", &finish)) out.finish_reason = std::string(finish);
  }
  return out;
}

ApiError OpenAiStreamDecoder::DecodeErrorBody(absl::string_view body) {
  ApiError error;
  element root;
  object obj;
  if (Parse(body, &root) && root.get_object().get(obj) == SUCCESS) {
    if (ReadError(obj, &error)) return error;
    element e;
    // FastAPI-style {"detail": ...}, or a bare {"message": ...}.
    if (obj["detail"].get(e) == SUCCESS || obj["message"].get(e) == SUCCESS) {
      error.message = ScalarText(e);
      return error;
    }
  }
  absl::string_view raw = absl::StripAsciiWhitespace(body);
  error.message = std::string(raw.substr(0, kMaxRawErrorBytes));
  if (raw.size() > kMaxRawErrorBytes) error.message += "...";
  return error;
}

}  // namespace llmload
