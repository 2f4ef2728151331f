// RAII owners for libcurl handles, and the one-time global initialisation libcurl requires
// before any thread uses it (the only process-wide state we keep, because libcurl forces it).
#ifndef LLMLOAD_AGENT_CURL_HANDLES_H_
#define LLMLOAD_AGENT_CURL_HANDLES_H_

#include <curl/curl.h>

#include <memory>

namespace llmload::agent {

struct CurlEasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct CurlMultiDeleter {
  void operator()(CURLM* h) const { curl_multi_cleanup(h); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlMulti = std::unique_ptr<CURLM, CurlMultiDeleter>;
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

// Calls curl_global_init exactly once per process; safe from any thread.
void EnsureCurlGlobalInit();

}  // namespace llmload::agent

#endif  // LLMLOAD_AGENT_CURL_HANDLES_H_
