#include "agent/response_reader.h"

#include <algorithm>

#include "agent/curl_transport_result.h"
#include "agent/retry_after.h"
#include "api/request_outcome.h"
#include "api/response_headers.h"
#include "api/token_usage.h"
#include "common/clock.h"
#include "common/receive_stamp.h"

namespace llmload::agent {
namespace {

// An error body is only kept for its message; a huge one is cut here.
constexpr size_t kMaxErrorBody = 8 << 10;

absl::string_view HeaderValue(CURL* easy, const char* name) {
  curl_header* h = nullptr;
  if (curl_easy_header(easy, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || h == nullptr) {
    return absl::string_view();
  }
  return h->value;
}

}  // namespace

ResponseReader::ResponseReader(const WorkloadSpec& spec, std::unique_ptr<ResponseDecoder> decoder)
    : stream_(decoder->streaming()),
      max_bytes_(spec.max_response_bytes),
      decoder_(std::move(decoder)),
      // Sized for a typical answer so the hot path does not grow it.
      itl_(static_cast<size_t>(spec.max_tokens.value_or(256))) {}

void ResponseReader::Begin(CURL* easy, int64_t send_ns, int64_t actual_send_ns) {
  easy_ = easy;
  result_ = CURLE_OK;
  http_status_ = 0;
  head_read_ = false;
  too_large_ = unexpected_encoding_ = unexpected_content_type_ = false;
  retry_after_ns_.reset();
  socket_error_ = 0;
  decoder_->Reset();
  server_ = ServerTimings();
  timing_.Start(send_ns, actual_send_ns);
  metrics_ = RequestMetrics();
  itl_.Clear();
  body_bytes_ = 0;
  last_byte_ns_ = -1;
  error_body_.clear();
  error_message_.clear();
  reply_text_.clear();
  reply_text_cut_ = false;
}

void ResponseReader::ReadHead() {
  head_read_ = true;
  if (easy_ == nullptr) return;
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &http_status_);
  if (http_status_ < 200 || http_status_ >= 300) {
    const absl::string_view retry_after = HeaderValue(easy_, "Retry-After");
    if (!retry_after.empty()) {
      if (std::optional<int64_t> wait = ParseRetryAfterNs(retry_after, WallNowNs())) {
        retry_after_ns_ = std::min(*wait, kMaxRetryAfterNs);
      }
    }
    return;
  }
  unexpected_encoding_ = !IsIdentityContentEncoding(HeaderValue(easy_, "Content-Encoding"));
  if (stream_) {
    // No Content-Type at all is let through: the body is parsed as SSE, and if it is not, it
    // fails as malformed or truncated.
    char* type = nullptr;
    curl_easy_getinfo(easy_, CURLINFO_CONTENT_TYPE, &type);
    unexpected_content_type_ = type != nullptr && !decoder_->AcceptsContentType(type);
  } else {
    // A body that says up front it is over the cap is refused before any of it is kept.
    curl_off_t length = -1;
    curl_easy_getinfo(easy_, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    if (length > max_bytes_) too_large_ = true;
  }
}

bool ResponseReader::OnBytes(absl::string_view bytes, int64_t now_ns) {
  now_ns = RecordedArrivalNs(arrival_hint_ns_, std::max(last_byte_ns_, timing_.actual_send_ns()),
                             now_ns);
  last_byte_ns_ = now_ns;
  if (!head_read_) ReadHead();
  body_bytes_ += static_cast<int64_t>(bytes.size());
  const bool ok = http_status_ >= 200 && http_status_ < 300;
  if (!ok) {
    if (error_body_.size() < kMaxErrorBody) {
      const absl::string_view kept = bytes.substr(0, kMaxErrorBody - error_body_.size());
      error_body_.append(kept.data(), kept.size());
    }
    // Only the start is kept, but an endless error body must not hold the user either.
    if (body_bytes_ > max_bytes_) too_large_ = true;
    return !too_large_;
  }
  if (too_large_ || unexpected_encoding_ || unexpected_content_type_) return false;
  // The whole answer of a non-streamed request is one body: its first byte is the first
  // token the client can see.
  if (!stream_ && !timing_.has_first_chunk()) timing_.OnContentChunk(now_ns);
  const bool keep = decoder_->Feed(bytes, [this, now_ns](const ContentChunk& chunk) {
    if (std::optional<int64_t> gap = timing_.OnContentChunk(now_ns)) itl_.Add(*gap);
    if (keep_reply_text_) KeepReplyText(chunk.text);
  });
  if (!keep) too_large_ = true;
  return keep;
}

void ResponseReader::KeepReplyText(absl::string_view text) {
  const size_t room = static_cast<size_t>(max_bytes_) -
                      std::min(reply_text_.size(), static_cast<size_t>(max_bytes_));
  if (text.size() > room) reply_text_cut_ = true;
  const absl::string_view kept = text.substr(0, room);
  reply_text_.append(kept.data(), kept.size());
}

ErrorClass ResponseReader::Finish(CURLcode result, int64_t end_ns, bool cancelled) {
  if (!head_read_) ReadHead();
  timing_.OnEnd(result == CURLE_OK && !cancelled && last_byte_ns_ >= 0 ? last_byte_ns_ : end_ns);
  RequestOutcome outcome;
  outcome.cancelled = cancelled;
  outcome.transport = TransportResultFromCurl(result);
  // A reset whose error the arrival peek took: libcurl saw only an early end of the body.
  if (socket_error_ != 0 && outcome.transport == TransportResult::kClosedEarly) {
    outcome.transport = TransportResult::kReset;
  }
  outcome.http_status = static_cast<int>(http_status_);
  outcome.streaming = stream_;
  outcome.too_large = too_large_;
  outcome.unexpected_encoding = unexpected_encoding_;
  outcome.unexpected_content_type = unexpected_content_type_;
  std::optional<TokenUsage> usage;
  bool usage_invalid = false;
  const bool ok_status = http_status_ >= 200 && http_status_ < 300;
  const bool refused = too_large_ || unexpected_encoding_ || unexpected_content_type_;
  if (!ok_status && !error_body_.empty()) {
    error_message_ = decoder_->DecodeErrorBody(error_body_).message;
  } else if (stream_ || (ok_status && !refused)) {
    outcome.facts = decoder_->Finish();
    usage = outcome.facts.usage;
    usage_invalid = outcome.facts.usage_invalid;
    server_ = outcome.facts.server;
    if (outcome.facts.api_error) error_message_ = std::move(outcome.facts.error_message);
  }
  // A usage that fails its check is not summed: the request is malformed_usage instead.
  if (usage_invalid || (usage && CheckUsage(*usage, body_bytes_) != UsageVerdict::kValid)) {
    outcome.usage_malformed = true;
    usage.reset();
  }
  metrics_ = ComputeRequestMetrics(timing_, usage);
  return ClassifyRequest(outcome);
}

}  // namespace llmload::agent
