// ApiAdapter: one LLM API as the engine sees it: what its requests look like, how each send is
// signed, and which decoder reads its responses. The engine (agent/) owns the transport, the
// clock and the users; an adapter owns only the API's shapes, so a new API is one new file
// pair here plus one entry in api_table.cc, and the engine never changes for it.
//
// An adapter is made once per run from the WorkloadSpec (api_table.h), validates its own
// options there, and is then immutable: every engine thread shares it without a lock.
#ifndef LLMLOAD_API_API_ADAPTER_H_
#define LLMLOAD_API_API_ADAPTER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "api/response_decoder.h"
#include "common/prompt.h"

namespace llmload {

// How requests travel. The engine drives HTTP through libcurl; a message-queue transport
// (AMQP) plugs in beside it, taking the same PreparedRequest (its `url` an amqp:// URL, its
// body the message) and feeding the same ResponseDecoder with each reply's bytes.
enum class TransportKind : uint8_t { kHttp, kAmqp };

// One prompt's request, built once per prompt before the run (never on the hot path).
struct PreparedRequest {
  std::string url;
  std::string method = "POST";
  std::string body;
  std::vector<std::string> header_lines;  // "Name: value", credentials included
};

// What signing adds to one send: headers that depend on the time (SigV4's X-Amz-Date and
// Authorization, a renewed JWT), and a URL when it differs from the prepared one.
struct SendExtras {
  std::vector<std::string> header_lines;
  std::string url;  // empty: the prepared URL
  void Clear() {
    header_lines.clear();
    url.clear();
  }
};

// A blocking HTTP exchange before the run starts (fetching an OAuth access token), supplied by
// the engine: adapters do no I/O of their own.
struct FetchedResponse {
  long status = 0;
  std::string body;
};
using HttpFetch = absl::FunctionRef<absl::StatusOr<FetchedResponse>(const PreparedRequest&)>;

class ApiAdapter {
 public:
  virtual ~ApiAdapter() = default;

  // The endpoint requests go to, resolved from --url (for the summary; shown redacted).
  virtual const std::string& endpoint_url() const = 0;
  // One line for the user about what the adapter chose from the configuration (Qianfan: the
  // API version and the credentials it signs with), for the run's start; never a secret.
  // Empty: nothing to say.
  virtual std::string notice() const { return std::string(); }
  virtual TransportKind transport() const { return TransportKind::kHttp; }

  // Called once, before the first Prepare, by each engine. Most APIs need nothing.
  virtual absl::Status Start(HttpFetch fetch) { return absl::OkStatus(); }

  // The request for one prompt. Called once per prompt; the result is reused for every send.
  virtual absl::StatusOr<PreparedRequest> Prepare(const Prompt& prompt) const = 0;

  // Whether Sign() must run before every send (time-dependent credentials).
  virtual bool signs_each_send() const { return false; }
  // Fills `out` for a send of `request` at `wall_ns` (Unix time in ns). Thread-safe.
  virtual absl::Status Sign(int64_t wall_ns, const PreparedRequest& request,
                            SendExtras* out) const {
    return absl::OkStatus();
  }

  // A decoder for one virtual user (reused for each of its requests).
  virtual std::unique_ptr<ResponseDecoder> NewDecoder() const = 0;
};

}  // namespace llmload

#endif  // LLMLOAD_API_API_ADAPTER_H_
