#include "agent/model_discovery.h"

#include "absl/strings/str_cat.h"
#include "agent/curl_handles.h"
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

absl::StatusOr<std::string> DiscoverModel(const WorkloadSpec& spec) {
  EnsureCurlGlobalInit();
  std::string models_url = spec.url;
  const size_t v1 = models_url.find("/v1/");
  if (v1 != std::string::npos) {
    models_url = models_url.substr(0, v1) + "/v1/models";
  } else {
    models_url += "/v1/models";
  }
  CurlEasy easy(curl_easy_init());
  std::string body;
  CurlSlist headers;
  if (!spec.api_key.empty()) {
    headers.reset(
        curl_slist_append(nullptr, absl::StrCat("Authorization: Bearer ", spec.api_key).c_str()));
  }
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
  if (rc != CURLE_OK) {
    return absl::UnavailableError(
        absl::StrCat("no --model given and GET ", models_url, " failed: ", curl_easy_strerror(rc), hint));
  }
  long status = 0;
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    return absl::UnavailableError(
        absl::StrCat("no --model given and GET ", models_url, " answered HTTP ", status, hint));
  }
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("data") && j["data"].is_array() && !j["data"].empty() &&
      j["data"][0].is_object() && j["data"][0].contains("id") && j["data"][0]["id"].is_string()) {
    return j["data"][0]["id"].get<std::string>();
  }
  return absl::UnavailableError(
      absl::StrCat("no --model given and GET ", models_url, " listed no model", hint));
}

}  // namespace llmload::agent
