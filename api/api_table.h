// The table of APIs llmload speaks: each entry names an API (the value of --api), says where
// its key and other credentials come from, which options of its own it takes, and makes its
// adapter. The table is written out in api_table.cc, one line per API, rather than filled by
// static self-registration, which a static library silently drops.
//
// The master needs no per-API code: flags for every option in the table are declared from it,
// the options set travel to agents as {name, value} pairs beside the API's name, and the
// adapter checks them when it is made, on the master first, so a bad option fails before the
// run starts.
#ifndef LLMLOAD_API_API_TABLE_H_
#define LLMLOAD_API_API_TABLE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "api/api_adapter.h"
#include "common/workload_spec.h"

namespace llmload {

// An option an API takes beyond the common request flags, declared as the flag --<name>.
struct ApiOption {
  absl::string_view name;  // e.g. "request-template"
  absl::string_view help;
  // The value may be @FILE: the master reads the file and sends its text, so that agents need
  // no copy of it.
  bool file = false;
};

struct ApiEntry {
  absl::string_view name;         // --api value, e.g. "openai-chat"
  absl::string_view aliases;      // other accepted spellings, comma-separated ("chat")
  absl::string_view description;  // one line for --help and docs
  // The environment variable the API key falls back to when --api-key is absent.
  absl::string_view key_env;
  // The header the key is sent in ("Authorization", "x-api-key"); a --header of that name
  // beside a key is refused. Empty: the key signs requests instead.
  absl::string_view key_header;
  // Further credentials read from the environment on the master and sent to agents like the
  // key (never printed): comma-separated variable names, e.g. "AWS_SECRET_ACCESS_KEY,...".
  absl::string_view credential_env;
  // Without --model, the model is the first of GET <base>/v1/models (agent/model_discovery.h);
  // APIs without such a list require --model.
  bool lists_models = false;
  // Whether --model is needed at all when the API has no model list (a custom endpoint's
  // template may not use one).
  bool requires_model = true;
  // Whether the API takes a chat history (Prompt.history: a multi-turn conversation's
  // earlier turns, agent/conversation_session.h); the others send one prompt alone.
  bool chat = false;
  absl::Span<const ApiOption> options;  // the adapter's own options
  absl::StatusOr<std::unique_ptr<ApiAdapter>> (*create)(const WorkloadSpec& spec) = nullptr;
};

absl::Span<const ApiEntry> ApiTable();

// The entry named (or aliased) `name`; nullptr when there is none.
const ApiEntry* FindApi(absl::string_view name);

// "openai-chat, openai-completions, ...": for error messages and help. `chat_only`: the APIs
// that take a chat history (ApiEntry::chat) only.
std::string ApiNames(bool chat_only = false);

// Makes the adapter of `spec.api`: InvalidArgument naming the flag when the API is unknown, an
// option belongs to another API, or the adapter refuses its configuration.
absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateApiAdapter(const WorkloadSpec& spec);

// Makes the adapter of `*spec` (so every option is checked) and sets spec->url to the endpoint
// it resolved from the user's --url (api/endpoint_url.h), which resolves to itself again on
// every agent.
absl::Status ResolveApiEndpoint(WorkloadSpec* spec);

// What the adapter of `spec` wants the user told once at start (which version of an API it
// chose, from which credentials; never a secret), or "" (also when the adapter cannot be made).
std::string ApiNotice(const WorkloadSpec& spec);

}  // namespace llmload

#endif  // LLMLOAD_API_API_TABLE_H_
