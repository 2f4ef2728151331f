#include "agent/model_discovery.h"

#include "gtest/gtest.h"

namespace llmload::agent {
namespace {

TEST(ModelsUrlTest, SiblingOfTheEndpoint) {
  EXPECT_EQ(ModelsUrl("http://127.0.0.1:8000/v1/chat/completions"),
            "http://127.0.0.1:8000/v1/models");
  EXPECT_EQ(ModelsUrl("http://127.0.0.1:8000/v1/completions"), "http://127.0.0.1:8000/v1/models");
  EXPECT_EQ(ModelsUrl("https://localhost/proxy/v1/chat/completions?api-version=2"),
            "https://localhost/proxy/v1/models");
  EXPECT_EQ(ModelsUrl("http://localhost:1/v1"), "http://localhost:1/v1/models");
}

TEST(ModelsUrlTest, NoV1SegmentFallsBackToTheOrigin) {
  EXPECT_EQ(ModelsUrl("http://127.0.0.1:1/chat?x=1"), "http://127.0.0.1:1/v1/models");
  EXPECT_EQ(ModelsUrl("http://127.0.0.1:1"), "http://127.0.0.1:1/v1/models");
  EXPECT_EQ(ModelsUrl("http://localhost/v10/chat"),
            "http://localhost/v1/models");  // "/v10" is not "/v1"
}

}  // namespace
}  // namespace llmload::agent
