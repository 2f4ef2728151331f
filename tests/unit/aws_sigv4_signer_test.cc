#include "api/aws_sigv4_signer.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "api/sha256.h"
#include "gtest/gtest.h"

namespace llmload {
namespace {

// 2024-03-07T12:34:56Z.
constexpr int64_t kWallNs = int64_t{1709814896} * 1000000000;
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr char kPath[] = "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse";

std::string SignedAuthorization(const std::string& token, const std::string& path) {
  AwsSigV4Signer signer({"AKIDEXAMPLE", kSecret, token}, "us-east-1", "bedrock");
  std::vector<std::string> lines;
  signer.Sign(kWallNs, "POST", "127.0.0.1:8080", path, Sha256Hex(R"({"messages":[]})"), &lines);
  for (const std::string& l : lines) {
    if (absl::StartsWith(l, "Authorization: ")) return l.substr(15);
  }
  return "";
}

TEST(AwsSigV4SignerTest, CanonicalPathDoubleEncodesAsTheSdkDoes) {
  EXPECT_EQ(SigV4CanonicalPath(kPath),
            "/model/anthropic.claude-3-haiku-20240307-v1%253A0/converse");
  EXPECT_EQ(SigV4CanonicalPath("/a//b/./c/../d/"), "/a/b/d/");
  EXPECT_EQ(SigV4CanonicalPath("/"), "/");
}

TEST(AwsSigV4SignerTest, CanonicalQueryIsSortedAndEncoded) {
  EXPECT_EQ(SigV4CanonicalQuery(""), "");
  EXPECT_EQ(SigV4CanonicalQuery("b=2&a=x%20y&a=1&c"), "a=1&a=x%20y&b=2&c=");
}

TEST(AwsSigV4SignerTest, AmzDate) { EXPECT_EQ(SigV4AmzDate(kWallNs), "20240307T123456Z"); }

// The expected values are what @smithy/signature-v4 (the AWS SDK's signer) gives for the same
// request, time and keys (tests/clients/sigv4_sign.mjs; bedrock_test runs it again so this
// stays true).
TEST(AwsSigV4SignerTest, SameSignatureAsTheSdk) {
  EXPECT_EQ(SignedAuthorization("", kPath),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240307/us-east-1/bedrock/aws4_request, "
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
            "Signature=810791d030daea8e902846a798ca2019fc4f93bf8d20eccd38a1ca90e0229372");
}

TEST(AwsSigV4SignerTest, SessionTokenIsSentAndSigned) {
  AwsSigV4Signer signer({"AKIDEXAMPLE", kSecret, "SESSIONTOKEN"}, "us-east-1", "bedrock");
  std::vector<std::string> lines;
  signer.Sign(kWallNs, "POST", "127.0.0.1:8080",
              "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream",
              Sha256Hex(R"({"messages":[]})"), &lines);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "X-Amz-Date: 20240307T123456Z");
  EXPECT_EQ(lines[1], "X-Amz-Security-Token: SESSIONTOKEN");
  EXPECT_EQ(lines[2],
            "Authorization: AWS4-HMAC-SHA256 "
            "Credential=AKIDEXAMPLE/20240307/us-east-1/bedrock/aws4_request, "
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, "
            "Signature=8e2be2649f0d1aabfc659521b865c4081641949cb285bf6f6f34616267047082");
}

TEST(AwsSigV4SignerTest, SignatureDependsOnEveryInput) {
  const std::string base = SignedAuthorization("", kPath);
  // The ':' sent unencoded is another canonical path, hence another signature.
  EXPECT_NE(SignedAuthorization("", "/model/anthropic.claude-3-haiku-20240307-v1:0/converse"),
            base);
  SigV4Request r;
  r.method = "POST";
  r.path = kPath;
  r.payload_sha256_hex = "00";
  r.amz_date = "20240307T123456Z";
  r.region = "us-east-1";
  r.service = "bedrock";
  r.headers = {{"host", "h"}};
  const std::string sig = SigV4Signature(kSecret, r);
  r.region = "us-west-2";
  EXPECT_NE(SigV4Signature(kSecret, r), sig);
  r.region = "us-east-1";
  EXPECT_NE(SigV4Signature("other", r), sig);
  // Header names are lowercased and values trimmed and collapsed before signing.
  r.headers = {{"Host", "  h  "}};
  EXPECT_EQ(SigV4Signature(kSecret, r), sig);
}

}  // namespace
}  // namespace llmload
