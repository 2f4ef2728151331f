#include "api/bce_auth_signer.h"

#include <string>
#include <utility>

#include "gtest/gtest.h"

namespace llmload {
namespace {

// The worked example of Baidu's "生成认证字符串" page (BOS UploadPart with the default signed
// headers, so signedHeaders is empty), with its published result.
TEST(BceAuthSignerTest, GivesTheDocumentedAuthorization) {
  const std::pair<absl::string_view, absl::string_view> headers[] = {
      {"Host", "bj.bcebos.com"},
      {"Content-Type", "text/plain"},
      {"Content-Length", "8"},
      {"Content-Md5", "NFzcPqhviddjRNnSOGo4rw=="},
      {"x-bce-date", "2015-04-27T08:23:49Z"}};
  const std::string ak(32, 'a');
  const std::string sk(32, 'b');
  BceSigningInput in;
  in.access_key = ak;
  in.secret_key = sk;
  const std::string timestamp = BceTimestamp(int64_t{1430123029} * 1'000'000'000);
  in.timestamp = timestamp;
  in.method = "PUT";
  in.path = "/v1/test/myfolder/readme.txt";
  in.query = "partNumber=9&uploadId=a44cc9bab11cbd156984767aad637851";
  in.headers = headers;
  in.list_signed_headers = false;
  EXPECT_EQ(in.timestamp, "2015-04-27T08:23:49Z");
  EXPECT_EQ(BceAuthorization(in),
            "bce-auth-v1/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/2015-04-27T08:23:49Z/1800//"
            "d74a04362e6a848f5b39b15421cb449427f419c95a480fd6b8cf9fc783e2999e");
  // The listed form names the headers, sorted and lowercased; the signature is the same.
  in.list_signed_headers = true;
  EXPECT_EQ(BceAuthorization(in),
            "bce-auth-v1/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/2015-04-27T08:23:49Z/1800/"
            "content-length;content-md5;content-type;host;x-bce-date/"
            "d74a04362e6a848f5b39b15421cb449427f419c95a480fd6b8cf9fc783e2999e");
}

TEST(BceAuthSignerTest, CanonicalFormsOfTheDocumentedExamples) {
  EXPECT_EQ(BceCanonicalQuery("text&text1=%E6%B5%8B%E8%AF%95&text10=test"),
            "text10=test&text1=%E6%B5%8B%E8%AF%95&text=");
  EXPECT_EQ(BceCanonicalUri("/example/\xE6\xB5\x8B\xE8\xAF\x95"), "/example/%E6%B5%8B%E8%AF%95");
  // Encoded or not, a path has one canonical form; so has a model id with ':'.
  EXPECT_EQ(BceCanonicalUri("/chat/a%3Ab"), "/chat/a%3Ab");
  EXPECT_EQ(BceCanonicalUri("/chat/a:b"), "/chat/a%3Ab");
  EXPECT_EQ(BceCanonicalUri(""), "/");
  EXPECT_EQ(BceCanonicalQuery("authorization=x&b=2&a=1"), "a=1&b=2");
  EXPECT_EQ(BceCanonicalQuery(""), "");
}

TEST(BceAuthSignerTest, EverySignedPartChangesTheSignature) {
  const std::pair<absl::string_view, absl::string_view> headers[] = {
      {"host", "127.0.0.1:8000"}, {"x-bce-date", "2026-01-01T00:00:00Z"}};
  BceSigningInput in;
  in.access_key = "ak";
  in.secret_key = "sk";
  in.timestamp = "2026-01-01T00:00:00Z";
  in.method = "POST";
  in.path = "/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/m";
  in.headers = headers;
  const std::string base = BceAuthorization(in);
  EXPECT_EQ(base.substr(0, base.rfind('/')),
            "bce-auth-v1/ak/2026-01-01T00:00:00Z/1800/host;x-bce-date");
  BceSigningInput other = in;
  other.secret_key = "sk2";
  EXPECT_NE(BceAuthorization(other), base);
  other = in;
  other.path = "/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/n";
  EXPECT_NE(BceAuthorization(other), base);
  other = in;
  other.query = "a=1";
  EXPECT_NE(BceAuthorization(other), base);
}

}  // namespace
}  // namespace llmload
