#include "api/ollama_adapter.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/bounded_body.h"
#include "api/endpoint_url.h"
#include "api/json_body.h"
#include "api/json_reader.h"
#include "api/ndjson_splitter.h"
#include "api/request_headers.h"
#include "api/response_headers.h"
#include "nlohmann/json.hpp"

namespace llmload {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

enum class OllamaApi { kChat, kGenerate };

// A duration in ns, believed only as an integer >= 0; else -1 (not reported).
int64_t ReadDuration(const object& o, std::string_view key) {
  int64_t ns = -1;
  if (ReadJsonCount(o, key, &ns) != JsonCount::kInteger || ns < 0) return -1;
  return ns;
}

class OllamaResponseDecoder final : public ResponseDecoder {
 public:
  OllamaResponseDecoder(bool stream, int64_t max_bytes)
      : stream_(stream), lines_(static_cast<size_t>(max_bytes)) {
    // A streamed body is never kept: no memory up front for one.
    if (!stream_) body_.emplace(max_bytes);
    error_message_.reserve(64);
  }

  bool streaming() const override { return stream_; }
  bool AcceptsContentType(absl::string_view content_type) const override {
    // Ollama streams application/x-ndjson; servers imitating it sometimes say JSON.
    return IsMediaType(content_type, "application/x-ndjson") ||
           IsMediaType(content_type, "application/json");
  }

  void Reset() override {
    lines_.Reset();
    if (body_) body_->Reset();
    json_.Release();
    done_ = error_seen_ = malformed_ = usage_invalid_ = false;
    usage_.reset();
    server_ = ServerTimings();
    error_message_.clear();
  }

  bool Feed(absl::string_view bytes, ContentCallback on_content) override {
    if (!stream_) return body_->Append(bytes);
    // The splitter refuses a line over the cap; the JSON buffer holds one line, so it is
    // bounded by the same cap.
    return lines_.Feed(bytes, [&](absl::string_view line) {
      std::string_view text;
      if (DecodeObject(line, &text)) {
        on_content(ContentChunk{ToAbsl(text)});
      }
    });
  }

  ResponseFacts Finish() override {
    ResponseFacts facts;
    if (stream_) {
      facts.framing = lines_.Finish();
    } else if (body_->too_large()) {
      facts.framing = FramingEnd::kTooLarge;
      return facts;
    } else {
      std::string_view text;
      DecodeObject(body_->view(), &text);
      done_ = true;  // a whole body that parses is complete (response_decoder.h)
    }
    facts.complete = done_;
    facts.api_error = error_seen_;
    facts.malformed = malformed_;
    // One bad count makes the response's usage untrustworthy, even beside good ones.
    if (!usage_invalid_) facts.usage = usage_;
    facts.usage_invalid = usage_invalid_;
    facts.server = server_;
    if (error_seen_) facts.error_message = error_message_;
    return facts;
  }

  ApiError DecodeErrorBody(absl::string_view body) override {
    ApiError error;
    object root;
    if (json_.ParseObject(body, &root) && ReadError(root, &error.message)) return error;
    error.message = RawErrorText(body);
    return error;
  }

 private:
  // {"error": "..."} (Ollama's only error shape; an object's "message" is taken too).
  static bool ReadError(const object& root, std::string* message) {
    element err;
    if (root["error"].get(err) != SUCCESS || err.is_null()) return false;
    object eo;
    element m;
    if (err.get_object().get(eo) == SUCCESS && eo["message"].get(m) == SUCCESS) {
      *message = JsonScalarText(m);
    } else {
      *message = JsonScalarText(err);
    }
    return true;
  }

  // Decodes one object (a line, or the whole non-streamed body) into the request's state.
  // True when it carries content, then in *text.
  bool DecodeObject(absl::string_view json, std::string_view* text) {
    object root;
    if (!json_.ParseObject(json, &root)) {
      malformed_ = true;
      return false;
    }
    if (element e; root["error"].get(e) == SUCCESS && !e.is_null()) {
      // Keep the first error: later ones are often echoes.
      if (!error_seen_) ReadError(root, &error_message_);
      error_seen_ = true;
      return false;
    }
    element done;
    if (root["done"].get(done) == SUCCESS) {
      bool value = false;
      if (done.get_bool().get(value) != SUCCESS) {
        malformed_ = true;
        return false;
      }
      if (value) ReadFinal(root);
    }
    return ContentOf(root, text);
  }

  static bool ContentOf(const object& root, std::string_view* text) {
    object message;
    if (root["message"].get_object().get(message) == SUCCESS) {
      if (ReadNonEmptyString(message, "content", text) ||
          ReadNonEmptyString(message, "thinking", text)) {
        return true;
      }
      array calls;
      if (message["tool_calls"].get_array().get(calls) == SUCCESS && calls.size() > 0) {
        *text = std::string_view();  // a tool call is output, but not text
        return true;
      }
      return false;
    }
    return ReadNonEmptyString(root, "response", text) || ReadNonEmptyString(root, "thinking", text);
  }

  // The done:true object: counts and the server's timings.
  void ReadFinal(const object& root) {
    done_ = true;
    if (std::optional<TokenUsage> usage =
            ReadUsageCounts(root, "prompt_eval_count", "eval_count", &usage_invalid_)) {
      usage_ = usage;
    }
    server_.total_ns = ReadDuration(root, "total_duration");
    server_.prompt_ns = ReadDuration(root, "prompt_eval_duration");
    server_.decode_ns = ReadDuration(root, "eval_duration");
  }

  const bool stream_;
  NdjsonSplitter lines_;
  std::optional<BoundedBody> body_;  // not streamed: the body
  JsonReader json_;

  bool done_ = false;
  bool error_seen_ = false;
  bool malformed_ = false;
  bool usage_invalid_ = false;
  std::optional<TokenUsage> usage_;
  ServerTimings server_;
  std::string error_message_;
};

class OllamaAdapter final : public ApiAdapter {
 public:
  OllamaAdapter(const WorkloadSpec& spec, OllamaApi api, std::string url)
      : api_(api),
        url_(std::move(url)),
        stream_(spec.stream),
        max_bytes_(spec.max_response_bytes),
        model_(spec.model),
        header_lines_(CommonHeaderLines(spec, spec.stream ? "application/x-ndjson" : "")) {
    if (spec.max_tokens) options_["num_predict"] = *spec.max_tokens;
    if (spec.temperature) options_["temperature"] = *spec.temperature;
    for (const auto& [key, json] : spec.params) {
      nlohmann::ordered_json v = ParamJson(json);
      // An `options` object adds to the one built from the flags (its fields win); anything
      // else is a top-level field (keep_alive, format, think, system, raw, ...).
      if (key == "options" && v.is_object()) {
        param_sets_max_tokens_ = param_sets_max_tokens_ || v.contains("num_predict");
        options_.update(v);
      } else {
        extra_.emplace_back(key, std::move(v));
      }
    }
    if (!spec.api_key.empty()) {
      header_lines_.push_back(absl::StrCat("Authorization: Bearer ", spec.api_key));
    }
  }

  const std::string& endpoint_url() const override { return url_; }

  absl::StatusOr<PreparedRequest> Prepare(const Prompt& prompt) const override {
    nlohmann::ordered_json body;
    body["model"] = model_;
    if (api_ == OllamaApi::kChat) {
      body["messages"] = ChatMessagesJson(prompt);
    } else {
      body["prompt"] = prompt.text;
    }
    body["stream"] = stream_;
    if (!options_.empty()) body["options"] = options_;
    if (prompt.max_tokens && !param_sets_max_tokens_) {
      body["options"]["num_predict"] = *prompt.max_tokens;
    }
    for (const auto& [key, value] : extra_) body[key] = value;
    return JsonPost(url_, body, header_lines_);
  }

  std::unique_ptr<ResponseDecoder> NewDecoder() const override {
    return NewOllamaResponseDecoder(stream_, max_bytes_);
  }

 private:
  const OllamaApi api_;
  const std::string url_;
  const bool stream_;
  const int64_t max_bytes_;
  const std::string model_;
  nlohmann::ordered_json options_ = nlohmann::ordered_json::object();
  bool param_sets_max_tokens_ = false;  // an --param options object sets num_predict
  std::vector<std::pair<std::string, nlohmann::ordered_json>> extra_;
  std::vector<std::string> header_lines_;
};

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateOllamaAdapter(const WorkloadSpec& spec,
                                                                OllamaApi api) {
  absl::StatusOr<std::string> url =
      ResolveApiUrl(spec.url, api == OllamaApi::kChat ? "/api/chat" : "/api/generate");
  if (!url.ok()) return url.status();
  if (absl::Status s = CheckCredentialHeader(spec, "Authorization", "the API key"); !s.ok()) {
    return s;
  }
  return std::make_unique<OllamaAdapter>(spec, api, *std::move(url));
}

}  // namespace

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateOllamaChatAdapter(const WorkloadSpec& spec) {
  return CreateOllamaAdapter(spec, OllamaApi::kChat);
}

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateOllamaGenerateAdapter(const WorkloadSpec& spec) {
  return CreateOllamaAdapter(spec, OllamaApi::kGenerate);
}

std::unique_ptr<ResponseDecoder> NewOllamaResponseDecoder(bool stream, int64_t max_bytes) {
  return std::make_unique<OllamaResponseDecoder>(stream, max_bytes);
}

}  // namespace llmload
