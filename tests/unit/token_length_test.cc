#include "common/token_length.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace llmload {
namespace {

using ::testing::HasSubstr;

TEST(TokenLengthTest, FixedNormalAndUniformLengths) {
  absl::StatusOr<TokenLength> fixed = ParseTokenLength("--input-tokens", 512, 0, "", 1000);
  ASSERT_TRUE(fixed.ok()) << fixed.status();
  EXPECT_EQ(fixed->kind, TokenLength::Kind::kFixed);
  EXPECT_EQ(fixed->ToString(), "512");
  SplitMix64Generator gen(7);
  EXPECT_EQ(fixed->Draw(gen, 1, 1000), 512);

  absl::StatusOr<TokenLength> normal = ParseTokenLength("--input-tokens", 500, 50, "", 1000);
  ASSERT_TRUE(normal.ok()) << normal.status();
  EXPECT_EQ(normal->ToString(), "500±50");
  double sum = 0, squares = 0;
  constexpr int kDraws = 20000;
  for (int i = 0; i < kDraws; ++i) {
    const double n = static_cast<double>(normal->Draw(gen, 1, 1000));
    sum += n;
    squares += n * n;
  }
  const double mean = sum / kDraws;
  EXPECT_NEAR(mean, 500, 2);  // 4 standard errors of the mean
  EXPECT_NEAR(std::sqrt(squares / kDraws - mean * mean), 50, 2);

  absl::StatusOr<TokenLength> uniform = ParseTokenLength("--input-tokens", 0, 0, "uniform:3,5", 9);
  ASSERT_TRUE(uniform.ok()) << uniform.status();
  EXPECT_EQ(uniform->ToString(), "uniform:3,5");
  EXPECT_DOUBLE_EQ(uniform->expected(), 4);
  int seen[6] = {};
  for (int i = 0; i < 3000; ++i) {
    const int64_t n = uniform->Draw(gen, 1, 9);
    ASSERT_GE(n, 3);
    ASSERT_LE(n, 5);
    ++seen[n];
  }
  for (int n = 3; n <= 5; ++n) EXPECT_GT(seen[n], 800) << n;
}

TEST(TokenLengthTest, DrawsAreClampedAndTheSameForTheSameSeed) {
  const TokenLength wide{.kind = TokenLength::Kind::kNormal, .mean = 10, .stddev = 100};
  SplitMix64Generator a(42), b(42);
  for (int i = 0; i < 1000; ++i) {
    const int64_t n = wide.Draw(a, 1, 50);
    ASSERT_GE(n, 1);
    ASSERT_LE(n, 50);
    ASSERT_EQ(n, wide.Draw(b, 1, 50));
  }
  // A normal spread stops at 6 standard deviations above its mean.
  const TokenLength narrow{.kind = TokenLength::Kind::kNormal, .mean = 100, .stddev = 2};
  EXPECT_EQ(narrow.upper(), 112);
  for (int i = 0; i < 10000; ++i) ASSERT_LE(narrow.Draw(a, 1, 1'000'000), 112);
}

TEST(TokenLengthTest, ErrorsNameTheFlag) {
  auto message = [](absl::StatusOr<TokenLength> r) { return std::string(r.status().message()); };
  EXPECT_THAT(message(ParseTokenLength("--input-tokens", 0, 0, "", 100)),
              HasSubstr("--input-tokens: must be 1..100 tokens, got 0"));
  EXPECT_THAT(message(ParseTokenLength("--input-tokens", 101, 0, "", 100)), HasSubstr("got 101"));
  EXPECT_THAT(message(ParseTokenLength("--output-tokens", 10, -1, "", 100)),
              HasSubstr("--output-tokens-stddev: must be"));
  EXPECT_THAT(message(ParseTokenLength("--input-tokens", 10, 0, "uniform:1,5", 100)),
              HasSubstr("not both"));
  EXPECT_THAT(message(ParseTokenLength("--input-tokens", 0, 0, "normal:5", 100)),
              HasSubstr("'normal:5' is not a distribution"));
  EXPECT_THAT(message(ParseTokenLength("--input-tokens", 0, 0, "uniform:9,5", 100)),
              HasSubstr("1 <= A <= B <= 100"));
  EXPECT_THAT(message(ParseTokenLength("--input-tokens", 0, 0, "uniform:0,5", 100)),
              HasSubstr("1 <= A <= B <= 100"));
}

}  // namespace
}  // namespace llmload
