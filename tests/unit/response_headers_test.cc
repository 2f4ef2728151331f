#include "api/response_headers.h"

#include "gtest/gtest.h"

namespace llmload {
namespace {

TEST(ResponseHeadersTest, EventStreamContentTypes) {
  EXPECT_TRUE(IsEventStreamContentType("text/event-stream"));
  EXPECT_TRUE(IsEventStreamContentType("text/event-stream; charset=utf-8"));
  EXPECT_TRUE(IsEventStreamContentType(" Text/Event-Stream ;charset=UTF-8"));
  EXPECT_FALSE(IsEventStreamContentType("application/json"));
  EXPECT_FALSE(IsEventStreamContentType("text/plain"));
  EXPECT_FALSE(IsEventStreamContentType("text/event-streams"));
  EXPECT_FALSE(IsEventStreamContentType("application/x-ndjson"));
  EXPECT_FALSE(IsEventStreamContentType(""));
}

TEST(ResponseHeadersTest, OnlyIdentityOrNoEncodingLeavesTheBodyReadable) {
  EXPECT_TRUE(IsIdentityContentEncoding(""));
  EXPECT_TRUE(IsIdentityContentEncoding("identity"));
  EXPECT_TRUE(IsIdentityContentEncoding(" IDENTITY "));
  EXPECT_FALSE(IsIdentityContentEncoding("gzip"));
  EXPECT_FALSE(IsIdentityContentEncoding("br"));
  EXPECT_FALSE(IsIdentityContentEncoding("deflate"));
  EXPECT_FALSE(IsIdentityContentEncoding("gzip, identity"));
}

}  // namespace
}  // namespace llmload
