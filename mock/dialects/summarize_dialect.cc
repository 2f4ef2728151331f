#include "mock/dialects/summarize_dialect.h"

#include <string>
#include <string_view>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "mock/dialects/json_fields.h"
#include "mock/http_response.h"
#include "mock/json_escape.h"

namespace llmload::mock {
namespace {

constexpr MockRoute kRoutes[] = {{"POST", "/summarize"}};

// The `model` query parameter, as sent (not decoded: it is only echoed).
absl::string_view QueryModel(absl::string_view target) {
  const size_t q = target.find('?');
  if (q == absl::string_view::npos) return absl::string_view();
  for (absl::string_view pair : absl::StrSplit(target.substr(q + 1), '&')) {
    if (absl::StartsWith(pair, "model=")) return pair.substr(6);
  }
  return absl::string_view();
}

void AppendUsage(const MockOutcome& o, std::string* out) {
  absl::StrAppend(out, "\"usage\":{\"input_tokens\":", o.prompt_tokens,
                  ",\"output_tokens\":", o.completion_tokens, "}");
}

class SummarizeWriter final : public MockResponseWriter {
 public:
  void Begin(const MockRequest& request, absl::string_view /*id*/, int64_t /*created*/,
             bool chunked) override {
    chunked_ = chunked;
    model_.assign(JsonQuote(request.model));
  }
  absl::string_view stream_content_type() const override { return "application/x-ndjson"; }

  void AppendToken(absl::string_view escaped_token, std::string* out) override {
    AppendHttpChunk(chunked_, {"{\"summary\":\"", escaped_token, "\",\"done\":false}\n"}, out);
  }
  int AppendFinish(const MockOutcome& outcome, std::string* out) override {
    std::string last = absl::StrCat("{\"summary\":\"\",\"done\":true,\"model\":", model_, ",");
    AppendUsage(outcome, &last);
    last.append("}\n");
    AppendHttpChunk(chunked_, {last}, out);
    if (chunked_) AppendLastChunk(out);
    return 1;
  }
  void AppendBody(absl::string_view escaped_text, const MockOutcome& outcome,
                  std::string* out) override {
    out->append("{\"summary\":\"");
    out->append(escaped_text.data(), escaped_text.size());
    absl::StrAppend(out, "\",\"model\":", model_, ",");
    AppendUsage(outcome, out);
    out->append("}");
  }

 private:
  bool chunked_ = true;
  std::string model_;
};

}  // namespace

absl::Span<const MockRoute> SummarizeDialect::routes() const { return kRoutes; }

std::optional<ApiError> SummarizeDialect::ParseRequest(const HttpRequest& request,
                                                       const MockRoute& route,
                                                       const RouteCaptures& /*captures*/,
                                                       MockRequest* out) {
  *out = MockRequest();
  out->variant = route.variant;
  out->model = std::string(QueryModel(request.target));
  simdjson::dom::element doc;
  if (parser_.parse(request.body.data(), request.body.size()).get(doc) != simdjson::SUCCESS) {
    return ApiError::Http(422, "JSON decode error");
  }
  simdjson::dom::object root;
  if (doc.get_object().get(root) != simdjson::SUCCESS) {
    return ApiError::Http(422, "Input should be a valid dictionary");
  }
  std::optional<simdjson::dom::element> text = JsonField(root, "text");
  if (!text) return ApiError::Http(422, "Field required: text");
  std::string_view t;
  if (text->get_string().get(t) != simdjson::SUCCESS) {
    return ApiError::Http(422, "Input should be a valid string: text");
  }
  out->prompt_tokens = EstimatePromptTokens(t.size());
  if (std::optional<simdjson::dom::element> stream = JsonField(root, "stream")) {
    if (!stream->is_bool()) return ApiError::Http(422, "Input should be a valid boolean: stream");
    out->stream = bool(*stream);
  }
  out->include_usage = true;
  if (auto err = ParseMaxTokensField(root, "max_tokens", &out->max_tokens)) {
    err->http_status = 422;
    return err;
  }
  return std::nullopt;
}

std::unique_ptr<MockResponseWriter> SummarizeDialect::NewWriter() const {
  return std::make_unique<SummarizeWriter>();
}

void SummarizeDialect::RenderError(const ApiError& error, MockReply* out) const {
  out->body = absl::StrCat("{\"detail\":", JsonQuote(error.message), "}");
}

}  // namespace llmload::mock
