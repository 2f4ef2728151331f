#include "agent/http_fetch.h"

#include <signal.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "agent/curl_handles.h"
#include "agent/engine_shared.h"
#include "common/redact.h"

namespace llmload::agent {
namespace {

struct Exchange {
  std::string body;
  bool too_large = false;
  int signal = 0;  // the stop signal that ended the exchange, 0 if none
};

size_t AppendToBody(char* data, size_t size, size_t nmemb, void* exchange_ptr) {
  auto* exchange = static_cast<Exchange*>(exchange_ptr);
  const size_t n = size * nmemb;
  if (exchange->body.size() + n > HttpFetcher::kMaxBodyBytes) {
    exchange->too_large = true;
    return 0;
  }
  exchange->body.append(data, n);
  return n;
}

// Called by libcurl a few times a second however the transfer goes: stop signals are blocked
// in every thread and taken synchronously (stop_signals.h), so a pending one is looked for here
// and ends an exchange that would otherwise hang until its timeout. It stays pending for the
// command to see.
int CheckStopSignal(void* exchange_ptr, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  sigset_t pending;
  if (sigpending(&pending) != 0) return 0;
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    if (sigismember(&pending, sig) == 1) {
      static_cast<Exchange*>(exchange_ptr)->signal = sig;
      return 1;  // non-zero: CURLE_ABORTED_BY_CALLBACK
    }
  }
  return 0;
}

}  // namespace

absl::StatusOr<FetchedResponse> HttpFetcher::Fetch(const PreparedRequest& request) const {
  EnsureCurlGlobalInit();
  CurlEasy easy(curl_easy_init());
  Exchange exchange;
  CurlSlist headers = MakeHeaderList(request.header_lines);
  CURL* e = easy.get();
  curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers.get());
  if (request.method == "GET") {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    if (request.method != "POST")
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &AppendToBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &exchange);
  curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, &CheckStopSignal);
  curl_easy_setopt(e, CURLOPT_XFERINFODATA, &exchange);
  curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(spec_.connect_timeout) + 5000));
  if (spec_.insecure_tls) {
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  const CURLcode rc = curl_easy_perform(e);
  const std::string what = absl::StrCat(request.method, " ", RedactUrl(request.url));
  if (exchange.signal != 0) {
    return absl::CancelledError(
        absl::StrCat("interrupted (signal ", exchange.signal, ") during ", what));
  }
  if (exchange.too_large) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " answered with more than ", kMaxBodyBytes >> 20, " MiB"));
  }
  if (rc != CURLE_OK) {
    return absl::UnavailableError(absl::StrCat(what, " failed: ", curl_easy_strerror(rc)));
  }
  FetchedResponse response;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &response.status);
  response.body = std::move(exchange.body);
  return response;
}

}  // namespace llmload::agent
