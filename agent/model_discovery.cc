#include "agent/model_discovery.h"

#include "absl/strings/str_cat.h"
#include "agent/curl_handles.h"
#include "common/redact.h"
#include "nlohmann/json.hpp"

namespace llmload::agent {
namespace {

size_t AppendToString(char* data, size_t size, size_t nmemb, void* out) {
  auto* body = static_cast<std::string*>(out);
  if (body->size() > (1 << 20)) return 0;  // a model list is small; refuse anything huge
  body->append(data, size * nmemb);
  return size * nmemb;
}

}  // namespace

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
  EnsureCurlGlobalInit();
  const std::string models_url = ModelsUrl(spec.url);
  CurlEasy easy(curl_easy_init());
  std::string body;
  curl_slist* list = nullptr;
  for (const auto& [name, value] : spec.headers) {
    list = curl_slist_append(list, absl::StrCat(name, ": ", value).c_str());
  }
  if (!spec.api_key.empty()) {
    list = curl_slist_append(list, absl::StrCat("Authorization: Bearer ", spec.api_key).c_str());
  }
  CurlSlist headers(list);
  curl_easy_setopt(easy.get(), CURLOPT_URL, models_url.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &AppendToString);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(spec.connect_timeout) + 5000));
  if (spec.insecure_tls) {
    curl_easy_setopt(easy.get(), CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(easy.get(), CURLOPT_SSL_VERIFYHOST, 0L);
  }
  const CURLcode rc = curl_easy_perform(easy.get());
  const std::string hint = " (pass --model to skip this lookup)";
  const std::string shown_url = RedactUrl(models_url);
  if (rc != CURLE_OK) {
    return absl::UnavailableError(absl::StrCat("no --model given and GET ", shown_url,
                                               " failed: ", curl_easy_strerror(rc), hint));
  }
  long status = 0;
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    return absl::FailedPreconditionError(
        absl::StrCat("no --model given and GET ", shown_url, " answered HTTP ", status, hint));
  }
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
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
