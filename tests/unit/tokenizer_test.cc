// The native tokenizer's parts on small tokenizer.json files written here, where the right
// ids can be worked out by hand. Exactness against the reference library on real models'
// files is tests/integration/tokenizer_exactness_test.cc.
#include "tokenizer/tokenizer.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tokenizer/split_pattern.h"

namespace llmload::tokenizer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Llama 3's split pattern, as its tokenizer.json writes it.
constexpr char kLlama3Pattern[] =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| "
    "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

std::vector<std::string> Pieces(const SplitPattern& pattern, const std::string& text) {
  std::vector<Span> spans;
  pattern.FindAll(text, &spans);
  std::vector<std::string> pieces;
  for (const Span& s : spans) pieces.push_back(text.substr(s.begin, s.end - s.begin));
  return pieces;
}

std::vector<int32_t> Ids(const Tokenizer& tokenizer, const std::string& text) {
  std::vector<int32_t> ids;
  tokenizer.Encode(text, &ids);
  return ids;
}

TEST(OnigurumaToRe2Test, GivesWhiteSpaceItsUnicodeMeaningAndFoldsAsciiCase) {
  absl::StatusOr<std::string> re2 = OnigurumaToRe2("\\s[^\\s\\p{L}]\\d(?i:'s|x)\\u00e9(a)");
  ASSERT_TRUE(re2.ok()) << re2.status();
  EXPECT_THAT(*re2, HasSubstr("\\x{3000}"));       // \s is Unicode White_Space, not ASCII
  EXPECT_THAT(*re2, HasSubstr("[^\\t\\n"));        // \s inside a negated class
  EXPECT_THAT(*re2, HasSubstr("\\p{Nd}"));         // \d is any decimal digit
  EXPECT_THAT(*re2, HasSubstr("(?:'[sS]|[xX])"));  // (?i:...) folds ASCII letters only
  EXPECT_THAT(*re2, HasSubstr("\\x{00e9}"));       // \uXXXX, which RE2 lacks
  EXPECT_THAT(*re2, HasSubstr("(?:a)"));           // no capture groups
}

TEST(OnigurumaToRe2Test, RefusesWhatRe2CannotRunNamingIt) {
  const std::pair<const char*, const char*> cases[] = {
      {"a(?=b)", "look-around (?=b"},
      {"(?<!a)b", "look-around (?<!"},
      {"\\w+", "\\w"},
      {"\\bword", "\\b"},
      {"(a)\\1", "back-reference"},
      {"[[:alpha:]]", "POSIX bracket"},
      {"[a-z&&[^x]]", "intersection"},
      {"(?>ab)", "the group (?>a"},
      {"[abc", "unterminated character class"},
      {"(ab", "unterminated group"},
  };
  for (const auto& [pattern, named] : cases) {
    absl::StatusOr<std::string> re2 = OnigurumaToRe2(pattern);
    ASSERT_FALSE(re2.ok()) << pattern;
    EXPECT_THAT(re2.status().message(), HasSubstr(named)) << pattern;
  }
}

TEST(SplitPatternTest, SpaceRunIdiomLeavesTheLastSpaceToTheNextWord) {
  absl::StatusOr<SplitPattern> pattern = SplitPattern::FromRegex(kLlama3Pattern);
  ASSERT_TRUE(pattern.ok()) << pattern.status();
  // `\s+(?!\S)`: of three spaces before a word, two stand alone and one joins " world".
  EXPECT_THAT(Pieces(*pattern, "Hello   world"), ElementsAre("Hello", "  ", " world"));
  // One space before a word simply joins it; a run at the very end is kept whole.
  EXPECT_THAT(Pieces(*pattern, "a b   "), ElementsAre("a", " b", "   "));
  // A run ending in a newline is matched by `\s*[\r\n]+` whole, and kept whole.
  EXPECT_THAT(Pieces(*pattern, "x  \ny"), ElementsAre("x", "  \n", "y"));
  // Before punctuation the last space goes with it (` ?[^\s\p{L}\p{N}]+`).
  EXPECT_THAT(Pieces(*pattern, "a   !"), ElementsAre("a", "  ", " !"));
  // Unicode white space counts as white space: U+3000 is one character of three bytes.
  EXPECT_THAT(Pieces(*pattern,
                     "a\xE3\x80\x80\xE3\x80\x80"
                     "b"),
              ElementsAre("a", "\xE3\x80\x80",
                          "\xE3\x80\x80"
                          "b"));
  EXPECT_THAT(Pieces(*pattern, "I'LL 12345"), ElementsAre("I", "'LL", " ", "123", "45"));
}

TEST(SplitPatternTest, EmptyMatchesBeforeTheIdiomAreSkippedAsAGlobalMatchSkipsThem) {
  // `a*` matches the empty string everywhere, before the idiom's alternatives get a chance;
  // empty matches give no piece (found by the fuzz target: the idiom's check took an empty
  // match for a run of white space).
  absl::StatusOr<SplitPattern> pattern = SplitPattern::FromRegex("a*|\\s+(?!\\S)|\\s+");
  ASSERT_TRUE(pattern.ok()) << pattern.status();
  EXPECT_THAT(Pieces(*pattern, "x  y"), ::testing::IsEmpty());
  EXPECT_THAT(Pieces(*pattern, "aa  b"), ElementsAre("aa"));
  // An empty match at the very end of the text ends the search (found by the fuzz target: it
  // stepped past the end to the next character).
  absl::StatusOr<SplitPattern> end = SplitPattern::FromRegex("$|c");
  ASSERT_TRUE(end.ok()) << end.status();
  EXPECT_THAT(Pieces(*end, "ab"), ::testing::IsEmpty());
  EXPECT_THAT(Pieces(*end, "cab"), ElementsAre("c"));
}

TEST(SplitPatternTest, LiteralPatternsMatchEveryOccurrence) {
  absl::StatusOr<SplitPattern> pattern = SplitPattern::FromLiteral("ab");
  ASSERT_TRUE(pattern.ok());
  EXPECT_THAT(Pieces(*pattern, "xabyabab"), ElementsAre("ab", "ab", "ab"));
  EXPECT_FALSE(SplitPattern::FromLiteral("").ok());
}

// A byte-level tokenizer: bytes written in GPT-2's alphabet ("Ġ" is the space byte).
std::string ByteLevelJson(const std::string& model_extra = "") {
  std::string vocab;
  // Every printable ASCII byte stands for itself in the alphabet; ids 0..93 for '!'..'~'.
  for (int c = '!'; c <= '~'; ++c) {
    std::string key(1, static_cast<char>(c));
    if (c == '"' || c == '\\') key = "\\" + key;
    absl::StrAppend(&vocab, "\"", key, "\": ", c - '!', ", ");
  }
  absl::StrAppend(&vocab, "\"\\u0120\": 94, \"he\": 95, \"ll\": 96, \"hell\": 97, ",
                  "\"hello\": 98, \"\\u0120w\": 99, \"\\u0120wo\": 100, \"\\u010a\": 101");
  return absl::StrCat(R"({
    "added_tokens": [
      {"id": 200, "content": "<|end|>", "special": true, "normalized": false,
       "lstrip": false, "rstrip": false},
      {"id": 201, "content": "<|end|>x", "special": true, "normalized": false,
       "lstrip": false, "rstrip": true}],
    "normalizer": null,
    "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
      {"type": "Split", "pattern": {"Regex": " ?[^\\s]+|\\s+(?!\\S)|\\s+"},
       "behavior": "Isolated", "invert": false},
      {"type": "ByteLevel", "add_prefix_space": false, "use_regex": false}]},
    "model": {"type": "BPE", "dropout": null, "unk_token": null, )",
                      model_extra, R"( "vocab": {)", vocab, R"(},
      "merges": ["h e", "l l", "he ll", "hell o", "\u0120 w", "\u0120w o"]}})");
}

TEST(TokenizerTest, ByteLevelBpeMergesLowestRankFirst) {
  absl::StatusOr<std::unique_ptr<const Tokenizer>> tokenizer =
      Tokenizer::FromJson(ByteLevelJson(), "test.json");
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();
  // "hello" -> h e l l o -> he ll o -> hell o -> hello; " wow" -> Ġw o w -> Ġwo w.
  EXPECT_THAT(Ids(**tokenizer, "hello wow"), ElementsAre(98, 100, 'w' - '!'));
  // "hellx": no "hell x" merge.
  EXPECT_THAT(Ids(**tokenizer, "hellx"), ElementsAre(97, 'x' - '!'));
  EXPECT_THAT((*tokenizer)->Describe(), HasSubstr("byte-level BPE"));
}

TEST(TokenizerTest, AddedTokensMatchLeftmostLongestAndStripAsMarked) {
  absl::StatusOr<std::unique_ptr<const Tokenizer>> tokenizer =
      Tokenizer::FromJson(ByteLevelJson(), "test.json");
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();
  EXPECT_THAT(Ids(**tokenizer, "he<|end|>he"), ElementsAre(95, 200, 95));
  // The longer "<|end|>x" wins where both start; its rstrip swallows the spaces after it.
  EXPECT_THAT(Ids(**tokenizer, "<|end|>x   he"), ElementsAre(201, 95));
}

TEST(TokenizerTest, IgnoreMergesTakesAWholeWordThatIsInTheVocabulary) {
  // With ignore_merges, "hell" is taken whole even though merges would make it too; a word
  // that is not in the vocabulary is merged as usual.
  absl::StatusOr<std::unique_ptr<const Tokenizer>> tokenizer =
      Tokenizer::FromJson(ByteLevelJson("\"ignore_merges\": true,"), "test.json");
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();
  EXPECT_THAT(Ids(**tokenizer, "hell"), ElementsAre(97));
  EXPECT_THAT(Ids(**tokenizer, "hellx"), ElementsAre(97, 'x' - '!'));
}

// A SentencePiece-style tokenizer (Llama 2's shape): "▁" for spaces, byte fallback.
std::string SentencePieceJson() {
  std::string vocab = R"("<unk>": 0, "▁": 1, "a": 2, "b": 3, "c": 4, "▁a": 5, "ab": 6,
      "abc": 7, "▁abc": 8)";
  for (int b = 0; b < 256; ++b)
    absl::StrAppend(&vocab, absl::StrFormat(", \"<0x%02X>\": %d", b, 10 + b));
  return absl::StrCat(R"({
    "added_tokens": [],
    "normalizer": {"type": "Sequence", "normalizers": [
      {"type": "Prepend", "prepend": "▁"},
      {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
    "pre_tokenizer": null,
    "model": {"type": "BPE", "unk_token": "<unk>", "byte_fallback": true, "fuse_unk": true,
      "vocab": {)",
                      vocab, R"(},
      "merges": [["a", "b"], ["ab", "c"], ["▁", "a"], ["▁", "abc"]]}})");
}

TEST(TokenizerTest, SentencePieceBpeFallsBackToBytesForUnknownCharacters) {
  absl::StatusOr<std::unique_ptr<const Tokenizer>> tokenizer =
      Tokenizer::FromJson(SentencePieceJson(), "sp.json");
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();
  // "abc abc" -> "▁abc▁abc": ab, abc, then ▁abc twice.
  EXPECT_THAT(Ids(**tokenizer, "abc abc"), ElementsAre(8, 8));
  // "é" is not in the vocabulary: its two UTF-8 bytes C3 A9 become <0xC3> <0xA9>.
  EXPECT_THAT(Ids(**tokenizer, "aé"), ElementsAre(5, 10 + 0xC3, 10 + 0xA9));
  EXPECT_THAT((*tokenizer)->Describe(), HasSubstr("SentencePiece"));
}

TEST(TokenizerTest, LongSentencePiecePiecesGiveTheSameTokensAsShortOnes) {
  // A piece of 64 bytes or more is merged stretch by stretch (cut between characters no
  // vocabulary entry holds side by side); the tokens must be those of the short texts.
  absl::StatusOr<std::unique_ptr<const Tokenizer>> tokenizer =
      Tokenizer::FromJson(SentencePieceJson(), "sp.json");
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();
  std::string text;
  std::vector<int32_t> expected;
  for (int i = 0; i < 40; ++i) {
    const std::string word = i % 3 == 0 ? "abc" : i % 3 == 1 ? "cab" : "bé";
    absl::StrAppend(&text, i == 0 ? "" : " ", word);
    std::vector<int32_t> one = Ids(**tokenizer, word);
    // The first word gets the prepended ▁; the others get theirs from the space.
    expected.insert(expected.end(), one.begin(), one.end());
  }
  EXPECT_EQ(Ids(**tokenizer, text), expected);
}

TEST(TokenizerTest, RepairsIllFormedUtf8AsTextDecoderDoes) {
  absl::StatusOr<std::unique_ptr<const Tokenizer>> tokenizer =
      Tokenizer::FromJson(SentencePieceJson(), "sp.json");
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();
  // The cut sequence E2 82 is one U+FFFD (EF BF BD), which falls back to its three bytes.
  EXPECT_THAT(Ids(**tokenizer, "a\xE2\x82"), ElementsAre(5, 10 + 0xEF, 10 + 0xBF, 10 + 0xBD));
}

TEST(TokenizerTest, RefusesWhatItDoesNotImplementNamingThePlace) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"model": {"type": "WordPiece", "vocab": {}}})", "model type 'WordPiece'"},
      {R"({"pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Metaspace"}]},
           "model": {"type": "BPE", "vocab": {}, "merges": []}})",
       "pre_tokenizer.pretokenizers[0]: pre-tokenizer type 'Metaspace'"},
      {R"({"normalizer": {"type": "Lowercase"}, "model": {"type": "BPE", "vocab": {},
           "merges": []}})",
       "normalizer: normalizer type 'Lowercase'"},
      {R"({"model": {"type": "BPE", "dropout": 0.1, "vocab": {}, "merges": []}})", "dropout"},
      {R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b"]}})",
       "model.merges[0]: \"a\" + \"b\""},
      {R"json({"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "a(?=b)"},
           "behavior": "Isolated"}, "model": {"type": "BPE", "vocab": {}, "merges": []}})json",
       "pre_tokenizer: split regex uses the look-around"},
      {"{\"model\": ", "not valid JSON"},
      {"[]", "not an object"},
  };
  for (const auto& [json, named] : cases) {
    absl::StatusOr<std::unique_ptr<const Tokenizer>> tokenizer =
        Tokenizer::FromJson(json, "bad.json");
    ASSERT_FALSE(tokenizer.ok()) << json;
    EXPECT_THAT(tokenizer.status().message(), HasSubstr("bad.json: ")) << json;
    EXPECT_THAT(tokenizer.status().message(), HasSubstr(named)) << json;
  }
}

TEST(TokenizerTest, LoadNamesAMissingFileOrADirectoryWithoutOne) {
  absl::StatusOr<std::unique_ptr<const Tokenizer>> missing =
      Tokenizer::Load("/nonexistent/tokenizer.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("/nonexistent/tokenizer.json"));
  absl::StatusOr<std::unique_ptr<const Tokenizer>> directory =
      Tokenizer::Load(::testing::TempDir());
  ASSERT_FALSE(directory.ok());
  EXPECT_THAT(directory.status().message(), HasSubstr("without a tokenizer.json"));
}

}  // namespace
}  // namespace llmload::tokenizer
