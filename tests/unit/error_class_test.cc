#include "common/error_class.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace llmload {
namespace {

TEST(ErrorClassTest, NamesAreTheReportContract) {
  EXPECT_EQ(ErrorClassName(ErrorClass::kSuccess), "success");
  EXPECT_EQ(ErrorClassName(ErrorClass::kHttp4xx), "http_4xx");
  EXPECT_EQ(ErrorClassName(ErrorClass::kHttp429), "http_429");
  EXPECT_EQ(ErrorClassName(ErrorClass::kHttp5xx), "http_5xx");
  EXPECT_EQ(ErrorClassName(ErrorClass::kTimeout), "timeout");
  EXPECT_EQ(ErrorClassName(ErrorClass::kConnect), "connect");
  EXPECT_EQ(ErrorClassName(ErrorClass::kReset), "reset");
  EXPECT_EQ(ErrorClassName(ErrorClass::kTruncatedStream), "truncated_stream");
  EXPECT_EQ(ErrorClassName(ErrorClass::kMalformedStream), "malformed_stream");
  EXPECT_EQ(ErrorClassName(ErrorClass::kApiError), "api_error");
  EXPECT_EQ(ErrorClassName(ErrorClass::kCancelled), "cancelled");
  EXPECT_EQ(ErrorClassName(ErrorClass::kOther), "other");
  EXPECT_EQ(ErrorClassName(ErrorClass::kResponseTooLarge), "response_too_large");
  EXPECT_EQ(ErrorClassName(ErrorClass::kMalformedUsage), "malformed_usage");
  EXPECT_EQ(ErrorClassName(ErrorClass::kUnexpectedContentType), "unexpected_content_type");
  EXPECT_EQ(ErrorClassName(ErrorClass::kUnexpectedEncoding), "unexpected_encoding");
  EXPECT_EQ(ErrorClassName(ErrorClass::kOverloaded), "overloaded");
  // Appended, never renumbered: the values are on the wire.
  EXPECT_EQ(static_cast<int>(ErrorClass::kResponseTooLarge), 12);
  EXPECT_EQ(static_cast<int>(ErrorClass::kUnexpectedEncoding), 15);
  EXPECT_EQ(static_cast<int>(ErrorClass::kOverloaded), 16);
  EXPECT_EQ(kErrorClassCount, 17);
}

TEST(ErrorClassTest, NamesRoundTripAndAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < kErrorClassCount; ++i) {
    const auto c = static_cast<ErrorClass>(i);
    const std::string name(ErrorClassName(c));
    EXPECT_TRUE(seen.insert(name).second) << name;
    EXPECT_EQ(ErrorClassFromName(name), c);
  }
  EXPECT_EQ(ErrorClassFromName("HTTP_5XX"), std::nullopt);
  EXPECT_EQ(ErrorClassFromName(""), std::nullopt);
}

TEST(ErrorClassTest, SuccessAndCancelledAreNotFailures) {
  EXPECT_FALSE(IsFailure(ErrorClass::kSuccess));
  EXPECT_FALSE(IsFailure(ErrorClass::kCancelled));
  EXPECT_TRUE(IsFailure(ErrorClass::kHttp429));
  EXPECT_TRUE(IsFailure(ErrorClass::kTruncatedStream));
  EXPECT_TRUE(IsFailure(ErrorClass::kOther));
  EXPECT_TRUE(IsFailure(ErrorClass::kOverloaded));
}

}  // namespace
}  // namespace llmload
