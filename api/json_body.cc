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
