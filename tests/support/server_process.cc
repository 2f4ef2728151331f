#include "support/server_process.h"

#include <curl/curl.h>
#include <signal.h>

#include <chrono>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace llmload::testing {
namespace {

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

}  // namespace

std::optional<std::string> HttpGet(const std::string& url) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return std::nullopt;
  std::string body;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK || status != 200) return std::nullopt;
  return body;
}

ServerProcess::ServerProcess(std::vector<std::string> argv, const std::string& port_regex)
    : process_(std::make_unique<Subprocess>(std::move(argv))) {
  std::optional<std::string> port = process_->WaitForOutput(port_regex, std::chrono::seconds(30));
  if (port) absl::SimpleAtoi(*port, &port_);
}

ServerProcess::~ServerProcess() {
  process_->Signal(SIGTERM);
  process_->Wait(std::chrono::seconds(10));
}

std::string ServerProcess::url() const { return absl::StrCat("http://127.0.0.1:", port_); }

nlohmann::json ServerProcess::GetJson(const std::string& path) const {
  std::optional<std::string> body = HttpGet(url() + path);
  if (!body) return nlohmann::json::object();
  return nlohmann::json::parse(*body, nullptr, /*allow_exceptions=*/false);
}

}  // namespace llmload::testing
