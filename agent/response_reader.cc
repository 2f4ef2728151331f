#include "agent/response_reader.h"

#include <algorithm>

#include "agent/request_outcome.h"
#include "common/receive_stamp.h"

namespace llmload::agent {
namespace {

// An error body is only kept for its message; a huge one is cut here.
constexpr size_t kMaxErrorBody = 8 << 10;

}  // namespace

ResponseReader::ResponseReader(const WorkloadSpec& spec) : stream_(spec.stream) {
  // Sized for a typical answer so the hot path does not grow them; a longer one grows the
  // vector once and keeps it. Capped: a --max-tokens of 32k must not cost 256 KiB per user.
  itl_gaps_.reserve(std::min<int64_t>(spec.max_tokens.value_or(256), 1024));
  // A streamed body is kept only when it is an error: no memory up front for that.
  if (!stream_) body_.reserve(64 << 10);
}

void ResponseReader::Begin(CURL* easy, int64_t send_ns) {
  easy_ = easy;
  result_ = CURLE_OK;
  http_status_ = 0;
  status_known_ = false;
  sse_.Reset();
  decoder_.Reset();
  timing_.Start(send_ns);
  metrics_ = RequestMetrics();
  itl_gaps_.clear();
  last_byte_ns_ = -1;
  body_.clear();
  error_message_.clear();
}

void ResponseReader::OnBytes(absl::string_view bytes, int64_t now_ns) {
  now_ns = RecordedArrivalNs(arrival_hint_ns_, std::max(last_byte_ns_, timing_.send_ns()), now_ns);
  last_byte_ns_ = now_ns;
  if (!status_known_) {
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &http_status_);
    status_known_ = true;
  }
  const bool ok = http_status_ >= 200 && http_status_ < 300;
  if (!ok) {
    if (body_.size() < kMaxErrorBody) {
      const absl::string_view kept = bytes.substr(0, kMaxErrorBody - body_.size());
      body_.append(kept.data(), kept.size());
    }
    return;
  }
  if (!stream_) {
    // The whole answer is one body: its first byte is the first token the client can see.
    if (!timing_.has_first_chunk()) timing_.OnContentChunk(now_ns);
    body_.append(bytes.data(), bytes.size());
    return;
  }
  // An oversized event leaves the parser in its error state; Finish() reports it.
  sse_.Feed(bytes, [this, now_ns](absl::string_view /*event_type*/,
                                  absl::string_view data) { OnEvent(data, now_ns); })
      .IgnoreError();
}

void ResponseReader::OnEvent(absl::string_view data, int64_t now_ns) {
  const ChunkInfo chunk = decoder_.Decode(data);
  if (chunk.kind != ChunkKind::kContent) return;
  if (std::optional<int64_t> gap = timing_.OnContentChunk(now_ns)) itl_gaps_.push_back(*gap);
}

ErrorClass ResponseReader::Finish(CURLcode result, int64_t end_ns, bool cancelled) {
  if (!status_known_ && easy_ != nullptr) {
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &http_status_);
    status_known_ = true;
  }
  timing_.OnEnd(result == CURLE_OK && !cancelled && last_byte_ns_ >= 0 ? last_byte_ns_ : end_ns);
  RequestOutcome outcome;
  outcome.cancelled = cancelled;
  outcome.transport = TransportResultFromCurl(result);
  outcome.http_status = static_cast<int>(http_status_);
  outcome.streaming = stream_;
  std::optional<TokenUsage> usage;
  const bool ok_status = http_status_ >= 200 && http_status_ < 300;
  if (!ok_status && !body_.empty()) {
    error_message_ = decoder_.DecodeErrorBody(body_).message;
  } else if (stream_) {
    outcome.stream = StreamFacts::From(sse_.Finish(), decoder_);
    usage = decoder_.usage();
    if (decoder_.error_seen()) error_message_ = decoder_.error().message;
  } else if (ok_status) {
    ResponseInfo info = decoder_.DecodeResponseBody(body_);
    outcome.body_kind = info.kind;
    usage = info.usage;
    if (info.kind == ChunkKind::kError) error_message_ = info.error.message;
  }
  metrics_ = ComputeRequestMetrics(timing_, usage);
  return ClassifyRequest(outcome);
}

}  // namespace llmload::agent
