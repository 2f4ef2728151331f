#include "agent/model_discovery.h"

#include <signal.h>

#include "absl/strings/str_cat.h"
#include "agent/curl_handles.h"
#include "common/redact.h"
#include "nlohmann/json.hpp"

namespace llmload::agent {
namespace {

// A model list is small; a body larger than this is refused rather than kept.
constexpr size_t kMaxModelsBody = 1 << 20;

struct Lookup {
  std::string body;
  bool too_large = false;
  int signal = 0;  // the stop signal that ended the lookup, 0 if none
};

size_t AppendToBody(char* data, size_t size, size_t nmemb, void* lookup_ptr) {
  auto* lookup = static_cast<Lookup*>(lookup_ptr);
  const size_t n = size * nmemb;
  if (lookup->body.size() + n > kMaxModelsBody) {
    lookup->too_large = true;
    return 0;
  }
  lookup->body.append(data, n);
  return n;
}

// Called by libcurl a few times a second however the transfer goes: stop signals are blocked
// in every thread and taken synchronously (stop_signals.h), so a pending one is looked for here
// and ends a lookup that would otherwise hang until its timeout. It stays pending for the
// command to see.
int CheckStopSignal(void* lookup_ptr, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  sigset_t pending;
  if (sigpending(&pending) != 0) return 0;
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    if (sigismember(&pending, sig) == 1) {
      static_cast<Lookup*>(lookup_ptr)->signal = sig;
      return 1;  // non-zero: CURLE_ABORTED_BY_CALLBACK
    }
  }
  return 0;
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
  Lookup lookup;
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
  curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &AppendToBody);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &lookup);
  curl_easy_setopt(easy.get(), CURLOPT_XFERINFOFUNCTION, &CheckStopSignal);
  curl_easy_setopt(easy.get(), CURLOPT_XFERINFODATA, &lookup);
  curl_easy_setopt(easy.get(), CURLOPT_NOPROGRESS, 0L);
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
  if (lookup.signal != 0) {
    return absl::CancelledError(absl::StrCat("interrupted (signal ", lookup.signal,
                                             ") while looking up the model at ", shown_url));
  }
  if (lookup.too_large) {
    return absl::FailedPreconditionError(absl::StrCat("no --model given and GET ", shown_url,
                                                      " answered with more than ",
                                                      kMaxModelsBody >> 20, " MiB", hint));
  }
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
  nlohmann::json j = nlohmann::json::parse(lookup.body, nullptr, /*allow_exceptions=*/false);
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
