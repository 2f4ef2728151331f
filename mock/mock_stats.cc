#include "mock/mock_stats.h"

#include "absl/strings/str_cat.h"

namespace llmload::mock {

void MockCounters::AddTo(MockStats* s) const {
  auto v = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  s->requests_total += v(requests_total);
  s->chat_completions_requests += v(chat_completions_requests);
  s->completions_requests += v(completions_requests);
  s->models_requests += v(models_requests);
  s->health_requests += v(health_requests);
  s->stats_requests += v(stats_requests);
  s->other_requests += v(other_requests);
  s->streamed += v(streamed);
  s->completed += v(completed);
  s->errors_injected += v(errors_injected);
  s->truncated += v(truncated);
  s->client_disconnects += v(client_disconnects);
  s->bad_requests += v(bad_requests);
  s->tokens_sent += v(tokens_sent);
  s->chunks_sent += v(chunks_sent);
  s->bytes_sent += v(bytes_sent);
  const uint64_t accepted = v(connections_accepted);
  const uint64_t closed = v(connections_closed);
  s->connections_accepted += accepted;
  s->connections_open += accepted >= closed ? accepted - closed : 0;
}

std::string MockStats::ToJson() const {
  return absl::StrCat("{\"requests_total\":", requests_total,
                      ",\"requests_by_endpoint\":{\"chat_completions\":", chat_completions_requests,
                      ",\"completions\":", completions_requests, ",\"models\":", models_requests,
                      ",\"health\":", health_requests, ",\"stats\":", stats_requests,
                      ",\"other\":", other_requests, "},\"streamed\":", streamed,
                      ",\"completed\":", completed, ",\"errors_injected\":", errors_injected,
                      ",\"truncated\":", truncated, ",\"client_disconnects\":", client_disconnects,
                      ",\"bad_requests\":", bad_requests, ",\"tokens_sent\":", tokens_sent,
                      ",\"chunks_sent\":", chunks_sent, ",\"bytes_sent\":", bytes_sent,
                      ",\"connections_accepted\":", connections_accepted,
                      ",\"connections_open\":", connections_open, "}");
}

std::string MockStats::Summary() const {
  return absl::StrCat("requests=", requests_total, " streamed=", streamed, " completed=", completed,
                      " errors_injected=", errors_injected, " truncated=", truncated,
                      " client_disconnects=", client_disconnects, " bad_requests=", bad_requests,
                      " tokens=", tokens_sent, " chunks=", chunks_sent, " bytes=", bytes_sent,
                      " connections=", connections_accepted);
}

}  // namespace llmload::mock
