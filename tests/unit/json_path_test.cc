#include "api/json_path.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "simdjson.h"

namespace llmload {
namespace {

class JsonPathTest : public ::testing::Test {
 protected:
  simdjson::dom::element Doc(const std::string& json) {
    simdjson::dom::element root;
    EXPECT_EQ(parser_.parse(json).get(root), simdjson::SUCCESS) << json;
    return root;
  }
  // The value at `path` in `json` as minified JSON; "<missing>" when there is none.
  std::string At(const std::string& path, const std::string& json) {
    absl::StatusOr<JsonPath> p = JsonPath::Parse(path, "--response-text");
    EXPECT_TRUE(p.ok()) << p.status();
    if (!p.ok()) return "<bad path>";
    simdjson::dom::element e;
    if (!p->Find(Doc(json), &e)) return "<missing>";
    return simdjson::minify(e);
  }
  simdjson::dom::parser parser_;
};

TEST_F(JsonPathTest, FindsKeysAndIndexes) {
  EXPECT_EQ(At("summary", R"({"summary":"s"})"), "\"s\"");
  const std::string chat =
      R"({"choices":[{"message":{"content":"hi"}},{"message":{"content":"2"}}]})";
  EXPECT_EQ(At("choices.0.message.content", chat), "\"hi\"");
  EXPECT_EQ(At("choices[1].message.content", chat), "\"2\"");
  EXPECT_EQ(At("choices.1", chat), R"({"message":{"content":"2"}})");
  EXPECT_EQ(At("0.t", R"([{"t":1}])"), "1");                // an array at the root
  EXPECT_EQ(At("a.0", R"({"a":{"0":"key"}})"), "\"key\"");  // digits are a key in an object
  EXPECT_EQ(At("usage.output_tokens", R"({"usage":{"output_tokens":12}})"), "12");
  EXPECT_EQ(At("a.b", R"({"a":{"b":null}})"), "null");
}

TEST_F(JsonPathTest, MissingStepsAndWrongTypesAreNotFound) {
  EXPECT_EQ(At("summary", R"({"text":"s"})"), "<missing>");
  EXPECT_EQ(At("choices.2", R"({"choices":[1,2]})"), "<missing>");
  EXPECT_EQ(At("choices.x", R"({"choices":[1,2]})"), "<missing>");
  EXPECT_EQ(At("a.b", R"({"a":"string"})"), "<missing>");
  EXPECT_EQ(At("a.b", R"({"a":null})"), "<missing>");
  EXPECT_EQ(At("a", R"("top")"), "<missing>");
  EXPECT_EQ(At("choices.99999999999999999999", R"({"choices":[1]})"), "<missing>");
}

TEST_F(JsonPathTest, BadPathsAreRefusedNamingTheFlag) {
  for (const char* bad :
       {"", ".a", "a.", "a..b", "[0]", "a[", "a[x]", "a[]", "a]", "a[0]b", "a.[0]", "a\nb"}) {
    absl::StatusOr<JsonPath> p = JsonPath::Parse(bad, "--chunk-text");
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_TRUE(absl::StartsWith(p.status().message(), "--chunk-text")) << p.status();
  }
  EXPECT_FALSE(JsonPath::Parse(std::string(2000, 'a'), "--chunk-text").ok());
}

TEST_F(JsonPathTest, CanonicalFormParsesToTheSamePath) {
  absl::StatusOr<JsonPath> p = JsonPath::Parse("choices[0].delta.content", "--chunk-text");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->ToString(), "choices.0.delta.content");
  EXPECT_EQ(p->steps(), 4u);
  absl::StatusOr<JsonPath> again = JsonPath::Parse(p->ToString(), "--chunk-text");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->ToString(), p->ToString());
}

}  // namespace
}  // namespace llmload
