#include "api/api_table.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "api/http_json_adapter.h"
#include "api/openai_adapter.h"

namespace llmload {
namespace {

// One entry per API. Adding an API: its adapter's file pair, and one entry here.
const ApiEntry kApis[] = {
    {.name = "openai-chat",
     .aliases = "chat",
     .description = "OpenAI chat/completions (vLLM, SGLang, llama.cpp, hosted APIs)",
     .key_env = "OPENAI_API_KEY",
     .key_header = "Authorization",
     .lists_models = true,
     .create = &CreateOpenAiChatAdapter},
    {.name = "openai-completions",
     .aliases = "completions",
     .description = "OpenAI completions (prompt in, text out)",
     .key_env = "OPENAI_API_KEY",
     .key_header = "Authorization",
     .lists_models = true,
     .create = &CreateOpenAiCompletionsAdapter},
    {.name = "http-json",
     .aliases = "custom",
     .description = "A custom JSON endpoint: body from --request-template, answer at the paths "
                    "--response-text / --chunk-text",
     .key_env = "",  // a key only from --api-key, sent as a Bearer token
     .key_header = "Authorization",
     .credential_env = "",
     .lists_models = false,
     .options = HttpJsonOptions(),
     .create = &CreateHttpJsonAdapter},
};

}  // namespace

absl::Span<const ApiEntry> ApiTable() { return kApis; }

const ApiEntry* FindApi(absl::string_view name) {
  for (const ApiEntry& entry : kApis) {
    if (entry.name == name) return &entry;
    for (absl::string_view alias : absl::StrSplit(entry.aliases, ',', absl::SkipEmpty())) {
      if (alias == name) return &entry;
    }
  }
  return nullptr;
}

std::string ApiNames() {
  return absl::StrJoin(kApis, ", ", [](std::string* out, const ApiEntry& e) {
    out->append(e.name.data(), e.name.size());
  });
}

absl::StatusOr<std::unique_ptr<ApiAdapter>> CreateApiAdapter(const WorkloadSpec& spec) {
  const ApiEntry* entry = FindApi(spec.api);
  if (entry == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--api: unknown API '", spec.api, "' (use one of ", ApiNames(), ")"));
  }
  for (const auto& [option, value] : spec.api_options) {
    bool known = false;
    for (const ApiOption& o : entry->options) known = known || o.name == option;
    if (!known) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", option, ": not an option of --api ", entry->name));
    }
  }
  return entry->create(spec);
}

absl::Status ResolveApiEndpoint(WorkloadSpec* spec) {
  absl::StatusOr<std::unique_ptr<ApiAdapter>> adapter = CreateApiAdapter(*spec);
  if (!adapter.ok()) return adapter.status();
  spec->url = (*adapter)->endpoint_url();
  return absl::OkStatus();
}

}  // namespace llmload
