#include "api/openai_stream_decoder.h"

#include <string_view>

#include "absl/strings/ascii.h"

namespace llmload {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// Text of the first tool call in a delta with non-empty function arguments.
bool ToolCallArguments(const object& delta, std::string_view* out) {
  array calls;
  if (delta["tool_calls"].get_array().get(calls) != SUCCESS) return false;
  for (element call : calls) {
    object fn;
    if (call["function"].get_object().get(fn) == SUCCESS &&
        ReadNonEmptyString(fn, "arguments", out)) {
      return true;
    }
  }
  return false;
}

// The generated text of one streamed choice, per the rules in the header.
bool ChoiceText(const object& choice, std::string_view* out) {
  object delta;
  if (choice["delta"].get_object().get(delta) == SUCCESS) {
    return ReadNonEmptyString(delta, "content", out) ||
           ReadNonEmptyString(delta, "reasoning_content", out) ||
           ReadNonEmptyString(delta, "reasoning", out) || ToolCallArguments(delta, out);
  }
  return ReadNonEmptyString(choice, "text", out);
}

// `usage` of a chunk or body (json_reader.h).
std::optional<TokenUsage> ReadUsage(const object& root, bool* invalid) {
  return ReadUsageObject(root, "usage", "prompt_tokens", "completion_tokens", invalid);
}

std::string StringField(const object& o, std::string_view key) {
  element e;
  return o[key].get(e) == SUCCESS ? JsonScalarText(e) : std::string();
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
      out->message = JsonScalarText(err);
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

OpenAiStreamDecoder::OpenAiStreamDecoder() { finish_reason_.reserve(32); }

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
  json_.Release();
}

ChunkInfo OpenAiStreamDecoder::Decode(absl::string_view data) {
  ++chunks_;
  ChunkInfo info;
  if (absl::StripAsciiWhitespace(data) == "[DONE]") {
    done_seen_ = true;
    info.kind = ChunkKind::kDone;
    return info;
  }
  object obj;
  if (!json_.ParseObject(data, &obj)) {
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
      if (ReadNonEmptyString(choice, "finish_reason", &finish)) {
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
  object obj;
  if (!json_.ParseObject(body, &obj)) {
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
      found = ReadNonEmptyString(message, "content", &text) ||
              ReadNonEmptyString(message, "reasoning_content", &text) ||
              ReadNonEmptyString(message, "reasoning", &text);
    } else {
      found = ReadNonEmptyString(choice, "text", &text);
    }
    if (found) {
      out.kind = ChunkKind::kContent;
      out.text = std::string(text);
    }
    std::string_view finish;
    if (ReadNonEmptyString(choice, "finish_reason", &finish))
      out.finish_reason = std::string(finish);
  }
  return out;
}

ApiError OpenAiStreamDecoder::DecodeErrorBody(absl::string_view body) {
  ApiError error;
  object obj;
  if (json_.ParseObject(body, &obj)) {
    if (ReadError(obj, &error)) return error;
    element e;
    // FastAPI-style {"detail": ...}, or a bare {"message": ...}.
    if (obj["detail"].get(e) == SUCCESS || obj["message"].get(e) == SUCCESS) {
      error.message = JsonScalarText(e);
      return error;
    }
  }
  error.message = RawErrorText(body);
  return error;
}

}  // namespace llmload
