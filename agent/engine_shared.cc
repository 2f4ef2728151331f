#include "agent/engine_shared.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "agent/conversation_session.h"
#include "agent/http_fetch.h"
#include "api/api_table.h"

namespace llmload::agent {

CurlSlist MakeHeaderList(const std::vector<std::string>& lines) {
  curl_slist* list = nullptr;
  for (const std::string& line : lines) list = curl_slist_append(list, line.c_str());
  return CurlSlist(list);
}

absl::StatusOr<std::unique_ptr<EngineShared>> MakeEngineShared(const WorkloadSpec& spec,
                                                               uint32_t agent_index) {
  if (spec.url.empty()) return absl::InvalidArgumentError("no endpoint URL");
  if (spec.prompts.empty()) return absl::InvalidArgumentError("no prompt to send");
  auto shared = std::make_unique<EngineShared>();
  shared->spec = spec;
  shared->agent_index = agent_index;
  shared->warmup_ns = absl::ToInt64Nanoseconds(spec.warmup);
  shared->warmup_left.store(spec.warmup_requests, std::memory_order_relaxed);
  absl::StatusOr<std::unique_ptr<ApiAdapter>> adapter = CreateApiAdapter(spec);
  if (!adapter.ok()) return adapter.status();
  shared->adapter = *std::move(adapter);
  if (shared->adapter->transport() != TransportKind::kHttp) {
    // The engine drives HTTP through libcurl; a queue transport plugs in beside it (issue 16).
    return absl::UnimplementedError(
        absl::StrCat("--api ", spec.api, ": this engine sends HTTP requests only"));
  }
  const HttpFetcher fetcher(spec);
  if (absl::Status s = shared->adapter->Start(
          [&fetcher](const PreparedRequest& request) { return fetcher.Fetch(request); });
      !s.ok()) {
    return s;
  }
  // A multi-turn run's prompts are its conversations' first turns, each with its system
  // prompt (which the wire's prompt texts do not carry): built from the conversations.
  std::vector<Prompt> first_turns;
  if (!spec.conversations.empty()) {
    if (spec.conversations.size() != spec.prompts.size()) {
      return absl::InvalidArgumentError("conversations and prompts differ in number");
    }
    if (const ApiEntry* api = FindApi(spec.api); api == nullptr || !api->chat) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--api ", spec.api, " sends no chat history: --multi-turn needs a chat API"));
    }
    ConversationSession session(spec.history);
    for (const Conversation& c : spec.conversations) {
      session.Begin(c);
      session.TurnPrompt(first_turns.emplace_back());
    }
  }
  const std::vector<Prompt>& prompts = first_turns.empty() ? spec.prompts : first_turns;
  shared->requests.reserve(prompts.size());
  shared->header_list_of.reserve(prompts.size());
  for (const Prompt& p : prompts) {
    absl::StatusOr<PreparedRequest> request = shared->adapter->Prepare(p);
    if (!request.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("prompt '", p.id, "': ", request.status().message()));
    }
    const bool same_lines =
        !shared->requests.empty() && request->header_lines == shared->requests.back().header_lines;
    if (!same_lines) shared->header_lists.push_back(MakeHeaderList(request->header_lines));
    shared->header_list_of.push_back(static_cast<uint32_t>(shared->header_lists.size() - 1));
    shared->requests.push_back(*std::move(request));
  }
  return shared;
}

}  // namespace llmload::agent
