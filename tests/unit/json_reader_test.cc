#include "api/json_reader.h"

#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace llmload {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

TEST(JsonReaderTest, ParsesAViewThatIsNotPaddedNorTerminated) {
  JsonReader reader;
  const std::string text = R"({"a":1}, "what follows the view")";
  object o;
  // The reader copies the view and pads the copy: nothing after the view is read.
  ASSERT_TRUE(reader.ParseObject(absl::string_view(text).substr(0, 7), &o));
  int64_t a = 0;
  EXPECT_EQ(ReadJsonCount(o, "a", &a), JsonCount::kInteger);
  EXPECT_EQ(a, 1);
  EXPECT_FALSE(reader.ParseObject(text, &o));
}

TEST(JsonReaderTest, AnEmptyViewIsNotJsonWhateverItsPointer) {
  JsonReader reader;
  element e;
  EXPECT_FALSE(reader.Parse(absl::string_view(), &e));  // a null pointer: never copied
  EXPECT_FALSE(reader.Parse(absl::string_view("x", 0), &e));
  EXPECT_FALSE(reader.Parse("  ", &e));
  // The reader is still usable afterwards.
  EXPECT_TRUE(reader.Parse("[1]", &e));
}

TEST(JsonReaderTest, ParseObjectRefusesOtherValuesAndInvalidJson) {
  JsonReader reader;
  object o;
  EXPECT_FALSE(reader.ParseObject("[1,2]", &o));
  EXPECT_FALSE(reader.ParseObject("12", &o));
  EXPECT_FALSE(reader.ParseObject(R"({"a":)", &o));
  EXPECT_TRUE(reader.ParseObject(R"( {"a":[]} )", &o));
}

TEST(JsonReaderTest, ALargeBodyParsesAndReleaseGivesItsBufferBack) {
  JsonReader reader;
  std::string big = R"({"text":")" + std::string(3 << 20, 'x') + R"("})";
  object o;
  ASSERT_TRUE(reader.ParseObject(big, &o));
  std::string_view text;
  ASSERT_TRUE(ReadNonEmptyString(o, "text", &text));
  EXPECT_EQ(text.size(), size_t{3} << 20);
  reader.Release();
  ASSERT_TRUE(reader.ParseObject(R"({"text":"small"})", &o));
  ASSERT_TRUE(ReadNonEmptyString(o, "text", &text));
  EXPECT_EQ(text, "small");
}

TEST(JsonReaderTest, CountsAreBelievedOnlyAsIntegers) {
  JsonReader reader;
  object o;
  ASSERT_TRUE(
      reader.ParseObject(R"({"n":12,"z":null,"f":1.5,"s":"12","b":true,"big":1e30,"neg":-3})", &o));
  int64_t n = 7;
  EXPECT_EQ(ReadJsonCount(o, "absent", &n), JsonCount::kAbsent);
  EXPECT_EQ(ReadJsonCount(o, "z", &n), JsonCount::kAbsent);
  EXPECT_EQ(n, 7);
  EXPECT_EQ(ReadJsonCount(o, "n", &n), JsonCount::kInteger);
  EXPECT_EQ(n, 12);
  EXPECT_EQ(ReadJsonCount(o, "neg", &n), JsonCount::kInteger);  // the range is CheckUsage's
  EXPECT_EQ(n, -3);
  for (const char* key : {"f", "s", "b", "big"}) {
    EXPECT_EQ(ReadJsonCount(o, key, &n), JsonCount::kInvalid) << key;
  }
}

// A JSON object, the usage read from it and whether the read called it invalid.
struct UsageCase {
  const char* json;
  std::optional<TokenUsage> usage;
  bool invalid;
};

// Checks `read(object, &invalid)` against every case.
template <typename Read>
void ExpectUsageReads(const std::vector<UsageCase>& cases, Read read) {
  JsonReader reader;
  object o;
  for (const UsageCase& c : cases) {
    ASSERT_TRUE(reader.ParseObject(c.json, &o)) << c.json;
    bool invalid = false;
    EXPECT_EQ(read(o, &invalid), c.usage) << c.json;
    EXPECT_EQ(invalid, c.invalid) << c.json;
  }
}

TEST(JsonReaderTest, UsageObject) {
  ExpectUsageReads(
      {
          {R"({"usage":{"p":3,"c":5}})", TokenUsage{3, 5}, false},
          {R"({"usage":{"c":5}})", TokenUsage{0, 5}, false},
          {R"({"usage":{"p":3}})", std::nullopt, false},  // no output count: chunks are counted
          {R"({"usage":null})", std::nullopt, false},
          {R"({})", std::nullopt, false},
          {R"({"usage":12})", std::nullopt, true},
          {R"({"usage":{"p":3,"c":5.5}})", std::nullopt, true},
          {R"({"usage":{"p":"3","c":5}})", std::nullopt, true},
      },
      [](const object& o, bool* invalid) {
        return ReadUsageObject(o, "usage", "p", "c", invalid);
      });
}

TEST(JsonReaderTest, UsageCountsOfAnObjectItself) {
  // Ollama's final object carries its counts at the top level.
  ExpectUsageReads(
      {
          {R"({"done":true,"prompt_eval_count":3,"eval_count":5})", TokenUsage{3, 5}, false},
          {R"({"eval_count":5,"prompt_eval_count":null})", TokenUsage{0, 5}, false},
          {R"({"prompt_eval_count":3})", std::nullopt, false},
          {R"({"prompt_eval_count":3,"eval_count":true})", std::nullopt, true},
          {R"({"prompt_eval_count":[],"eval_count":5})", std::nullopt, true},
      },
      [](const object& o, bool* invalid) {
        return ReadUsageCounts(o, "prompt_eval_count", "eval_count", invalid);
      });
}

TEST(JsonReaderTest, ErrorTexts) {
  JsonReader reader;
  object o;
  ASSERT_TRUE(reader.ParseObject(R"({"s":"text","n":429,"z":null,"o":{"a":1}})", &o));
  auto text_of = [&](const char* key) {
    element e;
    EXPECT_EQ(o[key].get(e), simdjson::SUCCESS) << key;
    return JsonScalarText(e);
  };
  EXPECT_EQ(text_of("s"), "text");
  EXPECT_EQ(text_of("n"), "429");
  EXPECT_EQ(text_of("z"), "");
  EXPECT_EQ(text_of("o"), R"({"a":1})");
  EXPECT_EQ(RawErrorText("  \n bad gateway \r\n"), "bad gateway");
  EXPECT_EQ(RawErrorText(std::string(300, 'e')), std::string(256, 'e') + "...");
}

}  // namespace
}  // namespace llmload
