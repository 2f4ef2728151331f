#include "api/json_body.h"

namespace llmload {

nlohmann::ordered_json ParamJson(const std::string& json) {
  nlohmann::ordered_json v = nlohmann::ordered_json::parse(json, nullptr, false);
  return v.is_discarded() ? nlohmann::ordered_json(json) : v;
}

bool HasParam(const WorkloadSpec& spec, absl::string_view key) {
  for (const auto& [name, json] : spec.params) {
    if (name == key) return true;
  }
  return false;
}

nlohmann::ordered_json ChatMessagesJson(const Prompt& prompt, bool with_system) {
  nlohmann::ordered_json messages = nlohmann::ordered_json::array();
  for (const ChatMessage& m : prompt.history) {
    if (!with_system && m.role == "system") continue;
    messages.push_back({{"role", m.role}, {"content", m.content}});
  }
  messages.push_back({{"role", "user"}, {"content", prompt.text}});
  return messages;
}

std::string SystemPromptOf(const Prompt& prompt) {
  std::string system;
  for (const ChatMessage& m : prompt.history) {
    if (m.role != "system") continue;
    if (!system.empty()) system.push_back('\n');
    system += m.content;
  }
  return system;
}

PreparedRequest JsonPost(const std::string& url, const nlohmann::ordered_json& body,
                         const std::vector<std::string>& header_lines) {
  PreparedRequest request;
  request.url = url;
  request.body =
      body.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
  request.header_lines = header_lines;
  return request;
}

}  // namespace llmload
