#include "agent/engine_shared.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace llmload::agent {
namespace {

WorkloadSpec Spec() {
  WorkloadSpec spec;
  spec.url = "http://127.0.0.1:9/v1/chat/completions";
  spec.model = "m";
  spec.prompts = {{"p", "hello"}};
  return spec;
}

int AuthorizationLines(const EngineShared& shared) {
  int n = 0;
  for (const std::string& line : shared.requests.at(0).header_lines) {
    if (absl::StartsWithIgnoreCase(line, "authorization:")) ++n;
  }
  return n;
}

TEST(EngineSharedTest, OneAuthorizationHeaderFromTheKeyOrTheHeaderNeverBoth) {
  WorkloadSpec key = Spec();
  key.api_key = "sk-k";
  auto from_key = MakeEngineShared(key, 0);
  ASSERT_TRUE(from_key.ok()) << from_key.status();
  EXPECT_EQ(AuthorizationLines(**from_key), 1);

  WorkloadSpec header = Spec();
  header.headers = {{"authorization", "Bearer h"}};
  auto from_header = MakeEngineShared(header, 0);
  ASSERT_TRUE(from_header.ok()) << from_header.status();
  EXPECT_EQ(AuthorizationLines(**from_header), 1);

  WorkloadSpec both = Spec();
  both.api_key = "sk-secret";
  both.headers = {{"Authorization", "Bearer h"}};
  auto refused = MakeEngineShared(both, 0);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message().find("sk-secret"), std::string::npos);
}

}  // namespace
}  // namespace llmload::agent
