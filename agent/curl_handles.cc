#include "agent/curl_handles.h"

#include <mutex>

namespace llmload::agent {

void EnsureCurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace llmload::agent
