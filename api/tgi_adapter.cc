#include "api/tgi_adapter.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/endpoint_url.h"
#include "api/json_body.h"
#include "api/json_reader.h"
#include "api/request_headers.h"
#include "api/sse_or_body.h"
#include "nlohmann/json.hpp"

namespace llmload {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

constexpr absl::string_view kStreamPath = "/generate_stream";
constexpr absl::string_view kBodyPath = "/generate";

bool Present(const object& o, std::string_view key) {
  element e;
  return o[key].get(e) == SUCCESS && !e.is_null();
}

class TgiResponseDecoder final : public ResponseDecoder {
 public:
  TgiResponseDecoder(bool stream, int64_t max_bytes) : framing_(stream, max_bytes) {
    error_.message.reserve(64);
  }

  bool streaming() const override { return framing_.streaming(); }
  bool AcceptsContentType(absl::string_view content_type) const override {
    return framing_.AcceptsContentType(content_type);
  }

  void Reset() override {
    framing_.Reset();
    json_.Release();
    complete_ = error_seen_ = malformed_ = usage_invalid_ = false;
    error_class_ = ErrorClass::kApiError;
    usage_.reset();
    error_ = ApiError();
  }

  bool Feed(absl::string_view bytes, ContentCallback on_content) override {
    return framing_.Feed(bytes, [&](absl::string_view /*event_type*/, absl::string_view data) {
      std::string_view text;
      if (DecodeEvent(data, &text)) on_content(ContentChunk{ToAbsl(text), 1});
    });
  }

  ResponseFacts Finish() override {
    ResponseFacts facts;
    facts.framing = framing_.Finish();
    if (framing_.is_body()) {
      if (facts.framing == FramingEnd::kTooLarge) return facts;
      DecodeBody(framing_.body());
      complete_ = true;  // a whole body that parses is complete (response_decoder.h)
    }
    facts.complete = complete_;
    facts.api_error = error_seen_;
    facts.api_error_class = error_class_;
    facts.malformed = malformed_;
    // One bad count makes the response's usage untrustworthy, even beside good ones.
    if (!usage_invalid_) facts.usage = usage_;
    facts.usage_invalid = usage_invalid_;
    if (error_seen_) facts.error_message = error_.message;
    return facts;
  }

  ApiError DecodeErrorBody(absl::string_view body) override {
    ApiError error;
    object root;
    if (json_.ParseObject(body, &root) && ReadError(root, &error)) return error;
    // axum's own rejections (a body that does not deserialize) are plain text.
    error.message = RawErrorText(body);
    return error;
  }

 private:
  // {"error": "...", "error_type": "..."}.
  static bool ReadError(const object& root, ApiError* out) {
    element err;
    if (root["error"].get(err) != SUCCESS || err.is_null()) return false;
    out->message = JsonScalarText(err);
    element type;
    if (root["error_type"].get(type) == SUCCESS) out->type = JsonScalarText(type);
    return true;
  }

  // Notes an error payload; true when `root` is one.
  bool TakeError(const object& root) {
    if (!Present(root, "error")) return false;
    if (!error_seen_) {  // keep the first: later ones are often echoes
      ReadError(root, &error_);
      // TGI's queue is full: the same overload its 429 says, sent inside a stream.
      if (error_.type == "overloaded") error_class_ = ErrorClass::kHttp429;
    }
    error_seen_ = true;
    return true;
  }

  // One SSE event. True when it carries content, then in *text.
  bool DecodeEvent(absl::string_view data, std::string_view* text) {
    object root;
    if (!json_.ParseObject(data, &root)) {
      malformed_ = true;
      return false;
    }
    if (TakeError(root)) return false;
    object details;
    if (root["details"].get_object().get(details) == SUCCESS) {
      ReadDetails(details);
      complete_ = true;
    } else if (Present(root, "details")) {
      malformed_ = true;  // details that is neither null nor an object
    }
    if (Present(root, "generated_text")) complete_ = true;
    object token;
    if (root["token"].get_object().get(token) != SUCCESS) return false;
    bool special = false;
    if (element s; token["special"].get(s) == SUCCESS && s.get_bool().get(special) != SUCCESS) {
      malformed_ = true;
      return false;
    }
    return !special && ReadNonEmptyString(token, "text", text);
  }

  void DecodeBody(absl::string_view body) {
    element doc;
    object root;
    if (!json_.Parse(body, &doc)) {
      malformed_ = true;
      return;
    }
    // TGI's compatibility route (POST /) answers a non-streamed request with a one-element
    // array.
    array list;
    if (doc.get_array().get(list) == SUCCESS) {
      if (list.size() == 0 || list.at(0).get(doc) != SUCCESS) {
        malformed_ = true;
        return;
      }
    }
    if (doc.get_object().get(root) != SUCCESS) {
      malformed_ = true;
      return;
    }
    if (TakeError(root)) return;
    std::string_view generated;
    if (root["generated_text"].get_string().get(generated) != SUCCESS) {
      malformed_ = true;
      return;
    }
    object details;
    if (root["details"].get_object().get(details) == SUCCESS) ReadDetails(details);
  }

  // details' counts: generated_tokens, and input_length (TGI 2), else prompt_tokens (older
  // servers), else the number of prefill tokens when there are any.
  void ReadDetails(const object& details) {
    const std::string_view input_key =
        Present(details, "input_length") ? "input_length" : "prompt_tokens";
    std::optional<TokenUsage> usage =
        ReadUsageCounts(details, input_key, "generated_tokens", &usage_invalid_);
    array prefill;
    if (usage && !Present(details, input_key) &&
        details["prefill"].get_array().get(prefill) == SUCCESS && prefill.size() > 0) {
      usage->prompt_tokens = static_cast<int64_t>(prefill.size());
    }
    if (usage) usage_ = usage;
  }

  SseOrBody framing_;
  JsonReader json_;

  bool complete_ = false;
  bool error_seen_ = false;
  ErrorClass error_class_ = ErrorClass::kApiError;
  bool malformed_ = false;
  bool usage_invalid_ = false;
  std::optional<TokenUsage> usage_;
  ApiError error_;
};

class TgiAdapter final : public ApiAdapter {
 public:
  TgiAdapter(const WorkloadSpec& spec, std::string url)
      : url_(std::move(url)),
        stream_(spec.stream),
        max_bytes_(spec.max_response_bytes),
        header_lines_(CommonHeaderLines(spec, spec.stream ? "text/event-stream" : "")) {
    if (spec.max_tokens) parameters_["max_new_tokens"] = *spec.max_tokens;
    param_sets_max_tokens_ = HasParam(spec, "max_new_tokens");
    // TGI refuses a temperature of 0 ("must be strictly positive"); greedy decoding is what
    // it does without one.
    if (spec.temperature && *spec.temperature != 0) parameters_["temperature"] = *spec.temperature;
    parameters_["details"] = true;
    // Every generation knob of TGI lives in `parameters` (top_p, top_k, seed, stop,
    // repetition_penalty, decoder_input_details, ...): --param goes there, last, so it may
    // override the fields above.
    for (const auto& [key, json] : spec.params) {
      parameters_[key] = ParamJson(json);
    }
    if (!spec.api_key.empty()) {
      header_lines_.push_back(absl::StrCat("Authorization: Bearer ", spec.api_key));
    }
  }

  const std::string& endpoint_url() const override { return url_; }

  absl::StatusOr<PreparedRequest> Prepare(const Prompt& prompt) const override {
    nlohmann::ordered_json body;
    body["inputs"] = prompt.text;
    body["parameters"] = parameters_;
    if (prompt.max_tokens && !param_sets_max_tokens_) {
      body["parameters"]["max_new_tokens"] = *prompt.max_tokens;
    }
    // Ignored by /generate and /generate_stream; picks the answer's form on TGI's POST /.
    body["stream"] = stream_;
    return JsonPost(url_, body, header_lines_);
  }

  std::unique_ptr<ResponseDecoder> NewDecoder() const override {
    return NewTgiResponseDecoder(stream_, max_bytes_);
  }

 private:
  const std::string url_;
  const bool stream_;
  const int64_t max_bytes_;
  nlohmann::ordered_json parameters_ = nlohmann::ordered_json::object();
  bool param_sets_max_tokens_ = false;
  std::vector<std::string> header_lines_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateTgiAdapter(const WorkloadSpec& spec) {
  absl::StatusOr<std::string> url = ResolveApiUrl(spec.url, spec.stream ? kStreamPath : kBodyPath);
  if (!url.ok()) return url.status();
  // The path decides TGI's answer: a stream asked of /generate would come back as one body.
  const absl::string_view path = absl::string_view(*url).substr(0, url->find('?'));
  if (spec.stream && absl::EndsWith(path, kBodyPath)) {
    return absl::InvalidArgumentError(absl::StrCat("--url: ", kBodyPath,
                                                   " answers in one body: use ", kStreamPath,
                                                   " to stream, or --no-stream"));
  }
  if (!spec.stream && absl::EndsWith(path, kStreamPath)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--url: ", kStreamPath, " streams: use ", kBodyPath, " with --no-stream"));
  }
  if (absl::Status s = CheckCredentialHeader(spec, "Authorization", "the API key"); !s.ok()) {
    return s;
  }
  return std::make_unique<TgiAdapter>(spec, *std::move(url));
}

std::unique_ptr<ResponseDecoder> NewTgiResponseDecoder(bool stream, int64_t max_bytes) {
  return std::make_unique<TgiResponseDecoder>(stream, max_bytes);
}

}  // namespace llmload
