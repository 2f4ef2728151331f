// ResponseReader: one virtual user's view of the response in flight. libcurl's write
// callback hands it bytes as they arrive; it timestamps them on the event loop, runs them
// through its API's ResponseDecoder (api/response_decoder.h), times every content chunk the
// decoder reports (TTFT, ITL gaps, end) and, when the transfer ends, classifies the outcome.
// One reader per user, reused for every request, so steady-state streaming allocates nothing.
//
// A hostile or broken endpoint is held to bounds here: what a response makes it keep (a body,
// an error body, one SSE event) is capped at --max-response-bytes, ITL gaps are kept in bounded
// memory (ItlSamples), the headers are checked at the first body byte (a 2xx stream must be
// of its API's media type, no Content-Encoding), and `usage` is checked before it is believed
// (CheckUsage). A response it refuses is stopped at once: OnBytes() returns false, the write
// callback returns 0, libcurl ends the transfer with CURLE_WRITE_ERROR and closes the connection (a
// transfer ended early is never reused), and Finish() gives the class the reader found.
#ifndef LLMLOAD_AGENT_RESPONSE_READER_H_
#define LLMLOAD_AGENT_RESPONSE_READER_H_

#include <curl/curl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "agent/itl_samples.h"
#include "agent/request_metrics.h"
#include "api/response_decoder.h"
#include "common/error_class.h"
#include "common/histogram.h"
#include "common/workload_spec.h"

namespace llmload::agent {

class ResponseReader {
 public:
  // `decoder`: from the run's ApiAdapter (NewDecoder()).
  ResponseReader(const WorkloadSpec& spec, std::unique_ptr<ResponseDecoder> decoder);
  ResponseReader(const ResponseReader&) = delete;
  ResponseReader& operator=(const ResponseReader&) = delete;

  // Starts a request on `easy`, scheduled at `send_ns` (its latency runs from there) and
  // handed to libcurl at `actual_send_ns` (later in an open loop whose client is late; the
  // same in a closed loop).
  void Begin(CURL* easy, int64_t send_ns, int64_t actual_send_ns);
  // Bytes of the response body were read at `now_ns`. They arrived then, or at the arrival
  // hint if one is set (see set_arrival_hint). False: the response is refused (too large,
  // unexpected Content-Type or Content-Encoding); the transfer must stop.
  [[nodiscard]] bool OnBytes(absl::string_view bytes, int64_t now_ns);
  // The kernel's arrival time of the bytes waiting on this user's socket, taken just before
  // libcurl reads them (see receive_stamp.h); -1: none, the read time stands.
  void set_arrival_hint(int64_t arrival_ns) { arrival_hint_ns_ = arrival_ns; }
  // A socket error (errno) of this user's connection, taken by the arrival peek before libcurl
  // could see it (receive_stamp.h): a reset that libcurl then reads as a clean close.
  void OnSocketError(int error) { socket_error_ = error; }
  // The transfer ended with `result`, noticed at `end_ns`; returns the outcome. A complete
  // response ends at its last byte (the event loop may notice a batch of completions a
  // little later); a failed or cancelled one at `end_ns`. `cancelled`: we stopped it.
  ErrorClass Finish(CURLcode result, int64_t end_ns, bool cancelled = false);

  // Keep the reply's text (the content chunks, in order) for reply_text(): a multi-turn user
  // sends it back as history (--history actual). Off by default: nothing is copied.
  void set_keep_reply_text(bool keep) { keep_reply_text_ = keep; }
  // The reply so far, at most --max-response-bytes of it (a longer reply is cut there, and
  // reply_text_cut() says so).
  const std::string& reply_text() const { return reply_text_; }
  bool reply_text_cut() const { return reply_text_cut_; }

  // The libcurl result, parked here between curl_multi_info_read and Finish.
  void set_result(CURLcode r) { result_ = r; }
  CURLcode result() const { return result_; }

  // Valid after Finish().
  long http_status() const { return http_status_; }
  // What the server reported about its own work (Bedrock latencyMs, Ollama durations).
  const ServerTimings& server_timings() const { return server_; }
  int64_t ttft_ns() const { return metrics_.ttft_ns.value_or(-1); }
  // Not defined without a stream: the whole reply arrives at once.
  int64_t tpot_ns() const { return stream_ ? metrics_.tpot_ns.value_or(-1) : -1; }
  int64_t e2e_ns() const { return metrics_.e2e_ns; }
  // From the actual send: what a client that hides its own queueing would report.
  int64_t ttft_uncorrected_ns() const { return metrics_.ttft_uncorrected_ns.value_or(-1); }
  int64_t e2e_uncorrected_ns() const { return metrics_.e2e_uncorrected_ns; }
  // Records the request's ITL gaps into `into` (for a successful request).
  void RecordItlInto(LatencyHistogram* into) const { itl_.RecordInto(into); }
  int64_t max_itl_ns() const { return metrics_.itl_max_ns; }
  int64_t itl_mean_ns() const {
    return metrics_.itl_count > 0 ? metrics_.itl_sum_ns / metrics_.itl_count : -1;
  }
  int64_t input_tokens() const { return metrics_.input_tokens.value_or(0); }
  int64_t output_tokens() const { return metrics_.output_tokens; }
  bool tokens_from_usage() const { return metrics_.token_source == TokenSource::kUsage; }
  // The API's error message for a failed request (HTTP error body or error payload), as the
  // server sent it: pass it through TerminalSafe() before printing it.
  const std::string& error_message() const { return error_message_; }
  // For a non-2xx response with a valid Retry-After header (seconds or HTTP-date): how long
  // the server asked to wait, in ns from when the headers were read, at most kMaxRetryAfterNs.
  std::optional<int64_t> retry_after_ns() const { return retry_after_ns_; }
  static constexpr int64_t kMaxRetryAfterNs = int64_t{3600} * 1'000'000'000;  // 1 hour

 private:
  // Reads the status line's code and the headers the reply is judged by, once per response:
  // at its first body byte, or at the end for a response without a body.
  void ReadHead();
  void KeepReplyText(absl::string_view text);

  const bool stream_;
  const int64_t max_bytes_;  // --max-response-bytes
  CURL* easy_ = nullptr;
  CURLcode result_ = CURLE_OK;
  long http_status_ = 0;
  bool head_read_ = false;
  // Why the reader stopped a response (see the header comment).
  bool too_large_ = false;
  bool unexpected_encoding_ = false;
  bool unexpected_content_type_ = false;
  std::optional<int64_t> retry_after_ns_;
  int socket_error_ = 0;  // see OnSocketError
  std::unique_ptr<ResponseDecoder> decoder_;
  ServerTimings server_;
  RequestTiming timing_;
  RequestMetrics metrics_;
  ItlSamples itl_;             // recorded only if the request succeeds
  int64_t body_bytes_ = 0;     // body bytes received, whatever the status
  int64_t last_byte_ns_ = -1;  // when the latest body bytes arrived
  int64_t arrival_hint_ns_ = -1;
  bool keep_reply_text_ = false;
  bool reply_text_cut_ = false;
  std::string reply_text_;  // kept only with keep_reply_text_; its storage is reused
  std::string error_body_;  // the start of a non-2xx body (8 KiB)
  std::string error_message_;
};

}  // namespace llmload::agent

#endif  // LLMLOAD_AGENT_RESPONSE_READER_H_
