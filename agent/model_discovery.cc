#include "agent/model_discovery.h"

#include "absl/strings/str_cat.h"
#include "agent/http_fetch.h"
#include "api/api_table.h"
#include "common/redact.h"
#include "nlohmann/json.hpp"

namespace llmload::agent {

std::string ModelsUrl(const std::string& endpoint_url) {
  std::string url = endpoint_url.substr(0, endpoint_url.find('?'));
  const size_t scheme = url.find("://");
  const size_t path_start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (path_start == std::string::npos) return url + "/v1/models";
  const std::string origin = url.substr(0, path_start);
  const std::string path = url.substr(path_start);
  for (size_t pos = path.find("/v1"); pos != std::string::npos; pos = path.find("/v1", pos + 1)) {
    const size_t end = pos + 3;
    if (end == path.size() || path[end] == '/') return origin + path.substr(0, end) + "/models";
  }
  return origin + "/v1/models";
}

absl::StatusOr<std::string> DiscoverModel(const WorkloadSpec& spec) {
  PreparedRequest request;
  request.url = ModelsUrl(spec.url);
  request.method = "GET";
  for (const auto& [name, value] : spec.headers) {
    request.header_lines.push_back(absl::StrCat(name, ": ", value));
  }
  if (!spec.api_key.empty()) {
    request.header_lines.push_back(absl::StrCat("Authorization: Bearer ", spec.api_key));
  }
  const std::string hint = " (pass --model to skip this lookup)";
  const std::string shown_url = RedactUrl(request.url);
  absl::StatusOr<FetchedResponse> response = HttpFetcher(spec).Fetch(request);
  if (absl::IsCancelled(response.status())) {
    return absl::CancelledError(
        absl::StrCat(response.status().message(), ", looking up the model"));
  }
  if (!response.ok()) {
    return absl::Status(response.status().code(),
                        absl::StrCat("no --model given and ", response.status().message(), hint));
  }
  if (response->status != 200) {
    return absl::FailedPreconditionError(absl::StrCat("no --model given and GET ", shown_url,
                                                      " answered HTTP ", response->status, hint));
  }
  nlohmann::json j = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("data") && j["data"].is_array() && !j["data"].empty() &&
      j["data"][0].is_object() && j["data"][0].contains("id") && j["data"][0]["id"].is_string()) {
    return j["data"][0]["id"].get<std::string>();
  }
  return absl::FailedPreconditionError(
      absl::StrCat("no --model given and GET ", shown_url, " listed no model", hint));
}

absl::Status FillModelIfMissing(WorkloadSpec* spec, std::string* warning) {
  warning->clear();
  if (!spec->model.empty()) return absl::OkStatus();
  const ApiEntry* api = FindApi(spec->api);
  if (api == nullptr || !api->lists_models) return absl::OkStatus();
  absl::StatusOr<std::string> model = DiscoverModel(*spec);
  if (model.ok()) {
    spec->model = *model;
    return absl::OkStatus();
  }
  if (!absl::IsUnavailable(model.status())) return model.status();
  *warning =
      absl::StrCat(model.status().message(), "; running anyway, with no model in the requests");
  return absl::OkStatus();
}

}  // namespace llmload::agent
