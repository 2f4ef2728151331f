#include "api/ndjson_splitter.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace llmload {
namespace {

std::vector<std::string> Split(NdjsonSplitter& s, const std::vector<std::string>& reads) {
  std::vector<std::string> lines;
  for (const std::string& r : reads) {
    EXPECT_TRUE(s.Feed(r, [&](absl::string_view line) { lines.emplace_back(line); }));
  }
  return lines;
}

TEST(NdjsonSplitterTest, SameLinesAtEverySplitPoint) {
  const std::string stream = "{\"a\":1}\n{\"b\":2}\r\n\n  \n{\"c\":3}\n";
  const std::vector<std::string> want = {"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"};
  for (size_t i = 0; i <= stream.size(); ++i) {
    for (size_t j = i; j <= stream.size(); ++j) {
      NdjsonSplitter s(1024);
      EXPECT_EQ(Split(s, {stream.substr(0, i), stream.substr(i, j - i), stream.substr(j)}), want)
          << i << " " << j;
      EXPECT_EQ(s.Finish(), FramingEnd::kClean);
    }
  }
}

TEST(NdjsonSplitterTest, ALineWithoutItsNewlineIsCutOffAndNotDispatched) {
  NdjsonSplitter s(1024);
  EXPECT_EQ(Split(s, {"{\"a\":1}\n{\"b\""}), std::vector<std::string>{"{\"a\":1}"});
  EXPECT_EQ(s.Finish(), FramingEnd::kPartialEvent);
  s.Reset();
  EXPECT_EQ(s.Finish(), FramingEnd::kClean);
}

TEST(NdjsonSplitterTest, AnOverlongLineIsRefusedWithinOneReadOrAcrossReads) {
  NdjsonSplitter one(8);
  EXPECT_FALSE(one.Feed("0123456789\n", [](absl::string_view) { FAIL(); }));
  EXPECT_EQ(one.Finish(), FramingEnd::kTooLarge);
  NdjsonSplitter many(8);
  EXPECT_TRUE(many.Feed("01234", [](absl::string_view) { FAIL(); }));
  EXPECT_FALSE(many.Feed("56789", [](absl::string_view) { FAIL(); }));
  EXPECT_FALSE(many.Feed("\n{}\n", [](absl::string_view) { FAIL(); }));  // ignored until Reset
  EXPECT_EQ(many.Finish(), FramingEnd::kTooLarge);
  many.Reset();
  EXPECT_TRUE(many.Feed("{}\n", [](absl::string_view line) { EXPECT_EQ(line, "{}"); }));
}

}  // namespace
}  // namespace llmload
