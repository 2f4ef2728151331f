#include "mock/dialects/tgi_dialect.h"

#include <string_view>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "mock/dialects/json_fields.h"
#include "mock/http_response.h"
#include "mock/json_escape.h"

namespace llmload::mock {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

constexpr MockRoute kRoutes[] = {
    {"POST", "/generate_stream", static_cast<int>(TgiEndpoint::kGenerateStream)},
    {"POST", "/generate", static_cast<int>(TgiEndpoint::kGenerate)},
    {"GET", "/info", static_cast<int>(TgiEndpoint::kInfo), nullptr, RouteKind::kInfo},
};

constexpr absl::string_view kTokenHead = "data:{\"index\":";
constexpr absl::string_view kTokenText = ",\"token\":{\"id\":";
constexpr absl::string_view kTokenRest = ",\"text\":\"";
constexpr absl::string_view kTokenTail =
    "\",\"logprob\":-0.25,\"special\":false},\"generated_text\":null,\"details\":null}\n\n";

ApiError Validation(std::string message) {
  return ApiError{422, absl::StrCat("Input validation error: ", message), "validation",
                  std::nullopt, std::nullopt};
}

// What axum answers when the body does not deserialize into TGI's request type.
ApiError Deserialize(absl::string_view what) {
  return ApiError{422,
                  absl::StrCat("Failed to deserialize the JSON body into the target type: ", what),
                  "validation", std::nullopt, std::nullopt};
}

std::optional<ApiError> ParseParameters(const object& parameters, MockRequest* out) {
  if (std::optional<element> n = JsonField(parameters, "max_new_tokens")) {
    if (!n->is_int64() && !n->is_uint64()) return Deserialize("parameters.max_new_tokens");
    const int64_t limit = n->is_int64() ? int64_t(*n) : kMaxOutputTokenLimit + 1;
    if (limit < 1) return Validation("`max_new_tokens` must be strictly positive");
    if (limit > kMaxOutputTokenLimit) {
      return Validation(
          absl::StrCat("`inputs` tokens + `max_new_tokens` must be <= ", kMaxOutputTokenLimit,
                       ". Given: ", limit, " `max_new_tokens`"));
    }
    out->max_tokens = limit;
  }
  if (std::optional<element> t = JsonField(parameters, "temperature")) {
    if (!t->is_number()) return Deserialize("parameters.temperature");
    if (double(*t) <= 0) return Validation("`temperature` must be strictly positive");
  }
  for (const auto& [name, flag] : {std::pair{"details", kTgiDetails},
                                   std::pair{"decoder_input_details", kTgiDecoderInputDetails}}) {
    if (std::optional<element> b = JsonField(parameters, name)) {
      if (!b->is_bool()) return Deserialize(absl::StrCat("parameters.", name));
      if (bool(*b)) out->flags |= flag;
    }
  }
  return std::nullopt;
}

void AppendFinishReason(bool length, std::string* out) {
  absl::StrAppend(out, "{\"finish_reason\":\"", length ? "length" : "eos_token", "\"");
}

}  // namespace

absl::Span<const MockRoute> TgiDialect::routes() const { return kRoutes; }

std::optional<ApiError> TgiDialect::ParseRequest(const HttpRequest& request, const MockRoute& route,
                                                 const RouteCaptures& /*captures*/,
                                                 MockRequest* out) {
  return Parse(static_cast<TgiEndpoint>(route.variant), request.body, out);
}

std::optional<ApiError> TgiDialect::Parse(TgiEndpoint endpoint, absl::string_view body,
                                          MockRequest* out) {
  *out = MockRequest();
  out->variant = static_cast<int>(endpoint);
  // The path decides, whatever "stream" the body holds.
  out->stream = endpoint == TgiEndpoint::kGenerateStream;
  out->model = "tgi";  // TGI serves one model and requests name none
  element doc;
  if (parser_.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS) {
    return ApiError{400, "Failed to parse the request body as JSON", "validation", std::nullopt,
                    std::nullopt};
  }
  if (!doc.is_object()) return Deserialize("expected a struct");
  const object root = doc.get_object();
  std::optional<element> inputs = JsonField(root, "inputs");
  if (!inputs) return Deserialize("missing field `inputs`");
  if (!inputs->is_string()) return Deserialize("inputs: invalid type, expected a string");
  const std::string_view text = *inputs;
  if (text.empty()) return Validation("`inputs` cannot be empty");
  out->prompt_tokens = EstimatePromptTokens(text.size());
  if (std::optional<element> parameters = JsonField(root, "parameters")) {
    if (!parameters->is_object()) return Deserialize("parameters: invalid type, expected a struct");
    if (auto err = ParseParameters(parameters->get_object(), out)) return err;
  }
  return std::nullopt;
}

std::optional<ApiError> TgiDialect::AnswerInfo(const HttpRequest& /*request*/,
                                               const MockRoute& /*route*/, const MockInfo& info,
                                               MockReply* out) {
  out->body = absl::StrCat(
      "{\"model_id\":", JsonQuote(info.model),
      ",\"model_sha\":null,\"model_pipeline_tag\":\"text-generation\","
      "\"max_concurrent_requests\":128,\"max_best_of\":2,\"max_stop_sequences\":4,"
      "\"max_input_tokens\":",
      kMaxOutputTokenLimit - 1, ",\"max_total_tokens\":", kMaxOutputTokenLimit,
      ",\"validation_workers\":2,\"max_client_batch_size\":4,"
      "\"router\":\"text-generation-router\",\"version\":\"llmload-mock\",\"sha\":null,"
      "\"docker_label\":null}");
  return std::nullopt;
}

std::unique_ptr<MockResponseWriter> TgiDialect::NewWriter() const {
  return std::make_unique<TgiWriter>();
}

ApiError TgiDialect::InjectedError(int status, absl::string_view /*model*/) const {
  constexpr absl::string_view kInjected = " (injected by llmload mock --error-rate)";
  switch (status) {
    case 429:
      return ApiError{429, absl::StrCat("Model is overloaded", kInjected), "overloaded",
                      std::nullopt, std::nullopt};
    case 422:
      return ApiError{422, absl::StrCat("Input validation error", kInjected), "validation",
                      std::nullopt, std::nullopt};
    case 424:
      return ApiError{424, absl::StrCat("Request failed during generation", kInjected),
                      "generation", std::nullopt, std::nullopt};
    default:
      return ApiError{
          status, absl::StrCat("Injected error ", status, " ", HttpReason(status), kInjected),
          status >= 500 ? "incomplete_generation" : "validation", std::nullopt, std::nullopt};
  }
}

void TgiDialect::RenderError(const ApiError& error, MockReply* out) const {
  out->body = absl::StrCat("{\"error\":", JsonQuote(error.message),
                           ",\"error_type\":", JsonQuote(error.type), "}");
}

void TgiWriter::Begin(const MockRequest& request, absl::string_view /*id*/, int64_t /*created*/,
                      bool chunked) {
  chunked_ = chunked;
  flags_ = request.flags;
  index_ = 0;
  text_.clear();  // keeps its capacity
}

void TgiWriter::AppendToken(absl::string_view escaped_token, std::string* out) {
  ++index_;
  char index[absl::numbers_internal::kFastToBufferSize];
  const absl::string_view number(
      index, static_cast<size_t>(absl::numbers_internal::FastIntToBuffer(index_, index) - index));
  AppendHttpChunk(chunked_,
                  {kTokenHead, number, kTokenText, number, kTokenRest, escaped_token, kTokenTail},
                  out);
  text_.append(escaped_token.data(), escaped_token.size());
}

int TgiWriter::AppendFinish(const MockOutcome& outcome, std::string* out) {
  std::string event =
      absl::StrCat("data:{\"index\":", index_ + 1,
                   ",\"token\":{\"id\":2,\"text\":\"</s>\",\"logprob\":0.0,\"special\":true},"
                   "\"generated_text\":\"");
  event.append(text_);
  event.append("\",\"details\":");
  if (flags_ & kTgiDetails) {
    AppendFinishReason(outcome.length, &event);
    absl::StrAppend(&event, ",\"generated_tokens\":", outcome.completion_tokens,
                    ",\"seed\":null,\"input_length\":", outcome.prompt_tokens, "}");
  } else {
    event.append("null");
  }
  event.append("}\n\n");
  AppendHttpChunk(chunked_, {event}, out);
  if (chunked_) AppendLastChunk(out);
  return 1;
}

void TgiWriter::AppendBody(absl::string_view escaped_text, const MockOutcome& outcome,
                           std::string* out) {
  out->append("{\"generated_text\":\"");
  out->append(escaped_text.data(), escaped_text.size());
  out->append("\"");
  if (flags_ & kTgiDetails) {
    out->append(",\"details\":");
    AppendFinishReason(outcome.length, out);
    absl::StrAppend(out, ",\"generated_tokens\":", outcome.completion_tokens,
                    ",\"seed\":null,\"prefill\":[");
    if (flags_ & kTgiDecoderInputDetails) {
      // One entry per prompt token, as TGI sends them (the first has no logprob).
      for (int64_t i = 0; i < outcome.prompt_tokens; ++i) {
        absl::StrAppend(out, i == 0 ? "" : ",", "{\"id\":", i + 1,
                        ",\"text\":\"\",\"logprob\":", i == 0 ? "null" : "-1.0", "}");
      }
    }
    out->append("],\"tokens\":[]}");
  }
  out->append("}");
}

}  // namespace llmload::mock
