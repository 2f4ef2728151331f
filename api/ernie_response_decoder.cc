#include "api/ernie_response_decoder.h"

#include <optional>
#include <string>
#include <string_view>

#include "api/json_reader.h"
#include "api/sse_or_body.h"

namespace llmload {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::element;
using simdjson::dom::object;

// What one event or body said.
struct ErnieEvent {
  bool parsed = false;  // a JSON object
  bool error = false;   // it carried error_code
  std::string_view result;
  bool is_end = false;
  std::optional<TokenUsage> usage;
  bool usage_invalid = false;
};

void ReadEvent(const object& root, ErnieEvent* event, ApiError* error, ErrorClass* error_class) {
  event->parsed = true;
  element code;
  if (root["error_code"].get(code) == SUCCESS && !code.is_null()) {
    event->error = true;
    if (error != nullptr) {
      int64_t number = 0;
      if (code.get_int64().get(number) == SUCCESS) {
        error->code = std::to_string(number);
        *error_class = QianfanErrorClass(number);
      } else {
        error->code = simdjson::minify(code);
      }
      std::string_view message;
      if (root["error_msg"].get_string().get(message) == SUCCESS) {
        error->message = std::string(message);
      }
    }
    return;
  }
  if (root["result"].get_string().get(event->result) != SUCCESS) event->result = {};  // none
  bool is_end = false;
  if (root["is_end"].get_bool().get(is_end) == SUCCESS) event->is_end = is_end;
  event->usage =
      ReadUsageObject(root, "usage", "prompt_tokens", "completion_tokens", &event->usage_invalid);
}

class ErnieResponseDecoder final : public ResponseDecoder {
 public:
  // Streamed, a response whose first byte is '{' is one JSON body: Qianfan's error.
  ErnieResponseDecoder(bool stream, int64_t max_bytes)
      : framing_(stream, max_bytes, /*json_body_when_streamed=*/true) {}

  bool streaming() const override { return framing_.streaming(); }
  // SSE, or the JSON error body Qianfan sends with status 200 to a streamed request.
  bool AcceptsContentType(absl::string_view content_type) const override {
    return framing_.AcceptsContentType(content_type);
  }

  void Reset() override {
    framing_.Reset();
    complete_ = false;
    error_seen_ = false;
    error_class_ = ErrorClass::kApiError;
    malformed_ = false;
    usage_.reset();
    usage_invalid_ = false;
    error_ = ApiError();
    json_.Release();
  }

  bool Feed(absl::string_view bytes, ContentCallback on_content) override {
    return framing_.Feed(bytes, [&](absl::string_view /*event_type*/, absl::string_view data) {
      ErnieEvent event;
      object obj;
      if (!json_.ParseObject(data, &obj)) {
        malformed_ = true;
        return;
      }
      ReadEvent(obj, &event, error_seen_ ? nullptr : &error_, &error_class_);
      if (event.error) {
        error_seen_ = true;
        return;
      }
      if (!event.result.empty()) on_content(ContentChunk{ToAbsl(event.result)});
      if (event.usage) usage_ = event.usage;
      usage_invalid_ = usage_invalid_ || event.usage_invalid;
      complete_ = complete_ || event.is_end;
    });
  }

  ResponseFacts Finish() override {
    ResponseFacts facts;
    facts.framing = framing_.Finish();
    if (framing_.is_body()) {
      if (facts.framing != FramingEnd::kTooLarge) DecodeBody(framing_.body(), &facts);
      return facts;
    }
    facts.complete = complete_;
    facts.api_error = error_seen_;
    facts.api_error_class = error_class_;
    facts.malformed = malformed_;
    facts.usage = usage_;
    facts.usage_invalid = usage_invalid_;
    if (error_seen_) facts.error_message = error_.message;
    return facts;
  }

  ApiError DecodeErrorBody(absl::string_view body) override {
    ApiError error;
    object obj;
    ErnieEvent event;
    ErrorClass ignored;
    if (json_.ParseObject(body, &obj)) {
      ReadEvent(obj, &event, &error, &ignored);
      if (event.error) return error;
    }
    error.message = RawErrorText(body);
    return error;
  }

 private:
  // A whole body: not streamed, or a streamed request answered with one JSON object.
  void DecodeBody(absl::string_view body, ResponseFacts* facts) {
    object obj;
    if (!json_.ParseObject(body, &obj)) {
      facts->malformed = true;
      return;
    }
    ErnieEvent event;
    ReadEvent(obj, &event, &error_, &error_class_);
    if (event.error) {
      facts->api_error = true;
      facts->api_error_class = error_class_;
      facts->error_message = error_.message;
      return;
    }
    std::string_view result;
    if (obj["result"].get_string().get(result) != SUCCESS) {
      facts->malformed = true;  // neither an answer nor an error
      return;
    }
    facts->complete = true;
    facts->usage = event.usage;
    facts->usage_invalid = event.usage_invalid;
  }

  SseOrBody framing_;
  JsonReader json_;

  bool complete_ = false;
  bool error_seen_ = false;
  ErrorClass error_class_ = ErrorClass::kApiError;
  bool malformed_ = false;
  std::optional<TokenUsage> usage_;
  bool usage_invalid_ = false;
  ApiError error_;
};

}  // namespace

ErrorClass QianfanErrorClass(int64_t error_code) {
  switch (error_code) {
    case 4:
    case 17:
    case 18:
    case 19:
    case 336501:
    case 336502:
      return ErrorClass::kHttp429;
    default:
      return ErrorClass::kApiError;
  }
}

std::unique_ptr<ResponseDecoder> NewErnieResponseDecoder(bool stream, int64_t max_bytes) {
  return std::make_unique<ErnieResponseDecoder>(stream, max_bytes);
}

}  // namespace llmload
