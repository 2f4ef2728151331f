#include "api/api_table.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "api/anthropic_adapter.h"
#include "api/bedrock_adapter.h"
#include "api/dashscope_adapter.h"
#include "api/http_json_adapter.h"
#include "api/ollama_adapter.h"
#include "api/openai_adapter.h"
#include "api/qianfan_adapter.h"
#include "api/tgi_adapter.h"
#include "api/zhipu_adapter.h"

namespace llmload {
namespace {

constexpr absl::string_view kBedrockCredentialEnv =
    "AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_SESSION_TOKEN,AWS_REGION,AWS_DEFAULT_REGION";
constexpr ApiOption kBedrockOptions[] = {
    {"aws-region",
     "AWS region of the Bedrock endpoint and its SigV4 signature (default: "
     "$AWS_REGION, $AWS_DEFAULT_REGION, us-east-1)"}};
const ApiOption kQianfanOptions[] = {
    {"model-type", "qianfan v1: chat (default) or completion"},
    {"qianfan-oauth-url",
     "qianfan v1 with QIANFAN_AK/QIANFAN_SK: where the OAuth token is fetched (default: the "
     "--url origin + /oauth/2.0/token)"},
};

// One entry per API. Adding an API: its adapter's file pair, and one entry here.
const ApiEntry kApis[] = {
    {.name = "openai-chat",
     .aliases = "chat",
     .description = "OpenAI chat/completions (vLLM, SGLang, llama.cpp, hosted APIs)",
     .key_env = "OPENAI_API_KEY",
     .key_header = "Authorization",
     .lists_models = true,
     .chat = true,
     .create = &CreateOpenAiChatAdapter},
    {.name = "openai-completions",
     .aliases = "completions",
     .description = "OpenAI completions (prompt in, text out)",
     .key_env = "OPENAI_API_KEY",
     .key_header = "Authorization",
     .lists_models = true,
     .create = &CreateOpenAiCompletionsAdapter},
    {.name = "bedrock-converse",
     .aliases = "bedrock",
     .description = "AWS Bedrock Runtime Converse (SigV4-signed, one JSON body)",
     .key_env = "AWS_BEARER_TOKEN_BEDROCK",
     .key_header = "Authorization",
     .credential_env = kBedrockCredentialEnv,
     .chat = true,
     .options = kBedrockOptions,
     .create = &CreateBedrockConverseAdapter},
    {.name = "bedrock-converse-stream",
     .aliases = "bedrock-stream",
     .description = "AWS Bedrock Runtime ConverseStream (SigV4-signed, AWS event-stream frames)",
     .key_env = "AWS_BEARER_TOKEN_BEDROCK",
     .key_header = "Authorization",
     .credential_env = kBedrockCredentialEnv,
     .chat = true,
     .options = kBedrockOptions,
     .create = &CreateBedrockConverseStreamAdapter},
    {.name = "dashscope",
     .description = "Alibaba DashScope native text-generation API (Qwen)",
     .key_env = "DASHSCOPE_API_KEY",
     .key_header = "Authorization",
     .chat = true,
     .create = &CreateDashScopeAdapter},
    {.name = "zhipu",
     .description = "Zhipu AI GLM chat/completions (an id.secret key is sent as a JWT)",
     .key_env = "ZHIPUAI_API_KEY",
     .key_header = "Authorization",
     .chat = true,
     .create = &CreateZhipuAdapter},
    // Ollama needs no key; --api-key is sent as a Bearer token (a proxy in front of it).
    {.name = "ollama-chat",
     .description = "Ollama native chat (POST /api/chat, NDJSON stream)",
     .key_header = "Authorization",
     .chat = true,
     .create = &CreateOllamaChatAdapter},
    {.name = "ollama-generate",
     .description = "Ollama native generate (POST /api/generate, NDJSON stream)",
     .key_header = "Authorization",
     .create = &CreateOllamaGenerateAdapter},
    {.name = "tgi",
     .description = "Hugging Face TGI (POST /generate_stream, or /generate with --no-stream)",
     .key_env = "HF_TOKEN",
     .key_header = "Authorization",
     .create = &CreateTgiAdapter},
    {.name = "qianfan",
     .aliases = "",
     .description = "Baidu Qianfan (ERNIE): v2 OpenAI-compatible, or v1 with bce-auth-v1 or OAuth",
     .key_env = "QIANFAN_API_KEY",
     .key_header = "Authorization",
     .credential_env = "QIANFAN_ACCESS_KEY,QIANFAN_SECRET_KEY,QIANFAN_AK,QIANFAN_SK",
     .chat = true,
     .options = kQianfanOptions,
     .create = &CreateQianfanAdapter},
    {.name = "anthropic-messages",
     .aliases = "anthropic",
     .description = "Anthropic Messages (POST /v1/messages, x-api-key, anthropic-version)",
     .key_env = "ANTHROPIC_API_KEY",
     .key_header = "x-api-key",
     .chat = true,
     .create = &CreateAnthropicMessagesAdapter},
    {.name = "http-json",
     .aliases = "custom",
     .description = "A custom JSON endpoint: body from --request-template, answer at the paths "
                    "--response-text / --chunk-text",
     .key_env = "",  // a key only from --api-key, sent as a Bearer token
     .key_header = "Authorization",
     .credential_env = "",
     .lists_models = false,
     .requires_model = false,
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

std::string ApiNames(bool chat_only) {
  std::vector<absl::string_view> names;
  for (const ApiEntry& e : kApis) {
    if (e.chat || !chat_only) names.push_back(e.name);
  }
  return absl::StrJoin(names, ", ");
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

std::string ApiNotice(const WorkloadSpec& spec) {
  absl::StatusOr<std::unique_ptr<ApiAdapter>> adapter = CreateApiAdapter(spec);
  return adapter.ok() ? (*adapter)->notice() : std::string();
}

absl::Status ResolveApiEndpoint(WorkloadSpec* spec) {
  absl::StatusOr<std::unique_ptr<ApiAdapter>> adapter = CreateApiAdapter(*spec);
  if (!adapter.ok()) return adapter.status();
  spec->url = (*adapter)->endpoint_url();
  return absl::OkStatus();
}

}  // namespace llmload
