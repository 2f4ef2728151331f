#include "mock/dialects/openai_request.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "mock/dialects/json_fields.h"
#include "simdjson.h"

namespace llmload::mock {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr absl::string_view kRoles[] = {"system",   "assistant", "user",
                                        "function", "tool",      "developer"};

// Sums the UTF-8 bytes of a chat message's content: a string, or an array of parts whose
// "text" fields count.
std::optional<ApiError> ContentBytes(const element& content, const std::string& param,
                                     uint64_t* bytes) {
  if (content.is_string()) {
    *bytes += std::string_view(content).size();
    return std::nullopt;
  }
  if (content.is_array()) {
    for (element part : content.get_array()) {
      if (!part.is_object()) continue;
      element text;
      if (part["text"].get(text) == simdjson::SUCCESS && text.is_string()) {
        *bytes += std::string_view(text).size();
      }
    }
    return std::nullopt;
  }
  return WrongJsonType(param, "one of a string or an array", content);
}

std::optional<ApiError> ParseMessages(const simdjson::dom::object& root, uint64_t* bytes) {
  std::optional<element> messages = JsonField(root, "messages");
  if (!messages) return ApiError::MissingParameter("messages");
  if (!messages->is_array()) return WrongJsonType("messages", "an array", *messages);
  simdjson::dom::array arr = messages->get_array();
  if (arr.size() == 0) {
    return ApiError::InvalidValue(
        "messages",
        "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an "
        "empty array instead.",
        "empty_array");
  }
  size_t i = 0;
  for (element m : arr) {
    const std::string where = absl::StrCat("messages[", i, "]");
    if (!m.is_object()) return WrongJsonType(where, "an object", m);
    simdjson::dom::object msg = m.get_object();
    std::optional<element> role = JsonField(msg, "role");
    if (!role) return ApiError::MissingParameter(absl::StrCat(where, ".role"));
    if (!role->is_string()) return WrongJsonType(absl::StrCat(where, ".role"), "a string", *role);
    std::string_view r = *role;
    bool known = false;
    for (absl::string_view k : kRoles) known = known || absl::string_view(r.data(), r.size()) == k;
    if (!known) {
      return ApiError::InvalidValue(
          absl::StrCat(where, ".role"),
          absl::StrCat("Invalid value: '", absl::string_view(r.data(), r.size()),
                       "'. Supported values are: 'system', 'assistant', 'user', 'function', "
                       "'tool', and 'developer'."));
    }
    if (std::optional<element> content = JsonField(msg, "content")) {
      if (auto err = ContentBytes(*content, absl::StrCat(where, ".content"), bytes)) return err;
    }
    ++i;
  }
  return std::nullopt;
}

// prompt: a string, an array of strings, an array of token ids, or an array of such arrays.
// Token ids count one token each; strings go through the byte estimate.
std::optional<ApiError> ParsePrompt(const simdjson::dom::object& root, uint64_t* bytes,
                                    uint64_t* tokens) {
  std::optional<element> prompt = JsonField(root, "prompt");
  if (!prompt) return ApiError::MissingParameter("prompt");
  constexpr absl::string_view kExpected =
      "one of a string, an array of strings, an array of integers, or an array of arrays of "
      "integers";
  if (prompt->is_string()) {
    *bytes += std::string_view(*prompt).size();
    return std::nullopt;
  }
  if (!prompt->is_array()) return WrongJsonType("prompt", kExpected, *prompt);
  for (element item : prompt->get_array()) {
    if (item.is_string()) {
      *bytes += std::string_view(item).size();
    } else if (item.is_int64() || item.is_uint64()) {
      ++*tokens;
    } else if (item.is_array()) {
      for (element t : item.get_array()) {
        if (!t.is_int64() && !t.is_uint64()) return WrongJsonType("prompt", kExpected, *prompt);
        ++*tokens;
      }
    } else {
      return WrongJsonType("prompt", kExpected, *prompt);
    }
  }
  return std::nullopt;
}

}  // namespace

struct CompletionRequestParser::Impl {
  simdjson::dom::parser parser;
};

CompletionRequestParser::CompletionRequestParser() : impl_(std::make_unique<Impl>()) {}
CompletionRequestParser::~CompletionRequestParser() = default;

std::optional<ApiError> CompletionRequestParser::Parse(CompletionApi api, absl::string_view body,
                                                       CompletionRequest* out) {
  *out = CompletionRequest();
  out->variant = static_cast<int>(api);
  element doc;
  if (impl_->parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS) {
    return ApiError::InvalidJson();
  }
  if (!doc.is_object()) {
    return ApiError::Http(400, absl::StrCat("Invalid type for request body: expected an object, "
                                            "but got ",
                                            JsonTypeDescription(JsonTypeChar(doc)), " instead."));
  }
  simdjson::dom::object root = doc.get_object();

  std::optional<element> model = JsonField(root, "model");
  if (!model) return ApiError::MissingParameter("model");
  if (!model->is_string()) return WrongJsonType("model", "a string", *model);
  std::string_view m = *model;
  out->model.assign(m.data(), m.size());

  uint64_t bytes = 0;
  uint64_t tokens = 0;
  if (api == CompletionApi::kChat) {
    if (auto err = ParseMessages(root, &bytes)) return err;
    out->messages = static_cast<int64_t>(JsonField(root, "messages")->get_array().size());
  } else {
    if (auto err = ParsePrompt(root, &bytes, &tokens)) return err;
  }
  out->prompt_tokens =
      static_cast<int64_t>(tokens) + (bytes > 0 || tokens == 0 ? EstimatePromptTokens(bytes) : 0);

  if (std::optional<element> stream = JsonField(root, "stream")) {
    if (!stream->is_bool()) return WrongJsonType("stream", "a boolean", *stream);
    out->stream = bool(*stream);
  }
  if (std::optional<element> opts = JsonField(root, "stream_options")) {
    if (!opts->is_object()) return WrongJsonType("stream_options", "an object", *opts);
    if (!out->stream) {
      return ApiError::InvalidValue(
          "stream_options",
          "The 'stream_options' parameter is only allowed when 'stream' is enabled.", std::nullopt);
    }
    if (std::optional<element> usage = JsonField(opts->get_object(), "include_usage")) {
      if (!usage->is_bool()) {
        return WrongJsonType("stream_options.include_usage", "a boolean", *usage);
      }
      out->include_usage = bool(*usage);
    }
  }
  // max_completion_tokens supersedes the deprecated max_tokens when both are given.
  if (auto err = ParseMaxTokensField(root, "max_tokens", &out->max_tokens)) return err;
  if (auto err = ParseMaxTokensField(root, "max_completion_tokens", &out->max_tokens)) return err;
  return std::nullopt;
}

}  // namespace llmload::mock
