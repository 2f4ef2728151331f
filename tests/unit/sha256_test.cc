#include "api/sha256.h"

#include "absl/strings/escaping.h"
#include "api/uri_encode.h"
#include "gtest/gtest.h"

namespace llmload {
namespace {

TEST(Sha256Test, KnownDigests) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231, test case 2.
  EXPECT_EQ(absl::BytesToHexString(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(UriEncodeTest, EncodesAllButUnreserved) {
  EXPECT_EQ(UriEncode("anthropic.claude-3-haiku-20240307-v1:0"),
            "anthropic.claude-3-haiku-20240307-v1%3A0");
  EXPECT_EQ(UriEncode("/model/a:b/converse", /*keep_slash=*/true), "/model/a%3Ab/converse");
  EXPECT_EQ(UriEncode("a b/c~"), "a%20b%2Fc~");
  EXPECT_EQ(UriEncode("\xe4\xb8\xad"), "%E4%B8%AD");
}

}  // namespace
}  // namespace llmload
