#include "common/byte_size.h"

#include "gtest/gtest.h"

namespace llmload {
namespace {

TEST(ParseByteSizeTest, BytesAndBinarySuffixes) {
  EXPECT_EQ(*ParseByteSize("65536", "--x"), 65536);
  EXPECT_EQ(*ParseByteSize("100B", "--x"), 100);
  EXPECT_EQ(*ParseByteSize("512KiB", "--x"), 512 << 10);
  EXPECT_EQ(*ParseByteSize("16MiB", "--x"), 16 << 20);
  EXPECT_EQ(*ParseByteSize("16mib", "--x"), 16 << 20);
  EXPECT_EQ(*ParseByteSize(" 2 GiB ", "--x"), int64_t{2} << 30);
  EXPECT_EQ(*ParseByteSize("4194304GiB", "--x"), int64_t{1} << 52);
  EXPECT_EQ(*ParseByteSize("4294967296GiB", "--x"), int64_t{1} << 62);  // the largest
}

TEST(ParseByteSizeTest, ZeroNegativeAndGarbageAreRefusedWithTheFlagName) {
  for (const char* bad : {"0", "0MiB", "-1", "-16MiB", "", "lots", "1.5MiB", "16MB", "16 M",
                          "16MiBs", "0x10", "99999999999999999999", "4294967297GiB"}) {
    absl::StatusOr<int64_t> n = ParseByteSize(bad, "--max-response-bytes");
    ASSERT_FALSE(n.ok()) << bad;
    EXPECT_TRUE(absl::IsInvalidArgument(n.status()));
    EXPECT_NE(n.status().message().find("--max-response-bytes"), absl::string_view::npos);
  }
  EXPECT_NE(ParseByteSize("0", "--m").status().message().find("above 0"), absl::string_view::npos);
  EXPECT_NE(ParseByteSize("-5", "--m").status().message().find("above 0"), absl::string_view::npos);
  EXPECT_NE(ParseByteSize("1.5MiB", "--m").status().message().find("whole number"),
            absl::string_view::npos);
  EXPECT_NE(ParseByteSize("16MB", "--m").status().message().find("KiB, MiB or GiB"),
            absl::string_view::npos);
}

}  // namespace
}  // namespace llmload
