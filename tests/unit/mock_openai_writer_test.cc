#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "gtest/gtest.h"
#include "mock/dialects/openai_writer.h"
#include "mock/json_escape.h"
#include "mock/token_vocabulary.h"
#include "nlohmann/json.hpp"

namespace llmload::mock {
namespace {

using nlohmann::json;

// Splits an HTTP chunked body into chunk payloads, checking the framing on the way.
std::vector<std::string> Dechunk(std::string wire, bool* terminated) {
  std::vector<std::string> chunks;
  *terminated = false;
  while (!wire.empty()) {
    size_t nl = wire.find("\r\n");
    size_t size = 0;
    if (nl == std::string::npos || !absl::SimpleHexAtoi(wire.substr(0, nl), &size)) break;
    if (size == 0) {
      *terminated = wire.substr(nl) == "\r\n\r\n";
      break;
    }
    EXPECT_EQ(wire.substr(nl + 2 + size, 2), "\r\n");
    chunks.push_back(wire.substr(nl + 2, size));
    wire.erase(0, nl + 2 + size + 2);
  }
  return chunks;
}

json Event(const std::string& chunk) {
  EXPECT_TRUE(absl::StartsWith(chunk, "data: ")) << chunk;
  EXPECT_TRUE(absl::EndsWith(chunk, "\n\n")) << chunk;
  return json::parse(chunk.substr(6, chunk.size() - 8));
}

TEST(CompletionWriterTest, ChatStreamWithUsageMatchesOpenAi) {
  CompletionWriter w;
  w.Begin(CompletionApi::kChat, "chatcmpl-abc", 1700000000, "my \"model\"", true, true);
  std::string out;
  w.AppendRoleChunk(&out);
  w.AppendTokenChunk(" Hello", &out);
  std::string escaped;
  AppendJsonEscaped(" \"q\"\\\n\t\x01 café", &escaped);
  w.AppendTokenChunk(escaped, &out);
  w.AppendFinishChunk(true, &out);
  w.AppendUsageChunk(10, 2, &out);
  w.AppendDone(&out);

  bool terminated;
  std::vector<std::string> chunks = Dechunk(out, &terminated);
  EXPECT_TRUE(terminated);
  ASSERT_EQ(chunks.size(), 6u);
  const json role = Event(chunks[0]);
  EXPECT_EQ(role, json::parse(R"({"id":"chatcmpl-abc","object":"chat.completion.chunk",
      "created":1700000000,"model":"my \"model\"","system_fingerprint":"fp_llmload_mock",
      "choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,
      "finish_reason":null}],"usage":null})"));
  const json t1 = Event(chunks[1]);
  EXPECT_EQ(t1["choices"][0]["delta"], json::parse(R"({"content":" Hello"})"));
  EXPECT_TRUE(t1["usage"].is_null());
  EXPECT_EQ(Event(chunks[2])["choices"][0]["delta"]["content"], " \"q\"\\\n\t\x01 café");
  const json fin = Event(chunks[3]);
  EXPECT_EQ(fin["choices"][0], json::parse(R"({"index":0,"delta":{},"logprobs":null,
      "finish_reason":"length"})"));
  const json usage = Event(chunks[4]);
  EXPECT_EQ(usage["choices"], json::array());
  EXPECT_EQ(usage["usage"], json::parse(R"({"prompt_tokens":10,"completion_tokens":2,
      "total_tokens":12})"));
  EXPECT_EQ(usage["id"], "chatcmpl-abc");
  EXPECT_EQ(chunks[5], "data: [DONE]\n\n");
}

TEST(CompletionWriterTest, StreamWithoutUsageHasNoUsageKey) {
  CompletionWriter w;
  w.Begin(CompletionApi::kChat, "chatcmpl-1", 1, "m", false, true);
  std::string out;
  w.AppendRoleChunk(&out);
  w.AppendTokenChunk(" a", &out);
  w.AppendFinishChunk(false, &out);
  bool terminated;
  for (const std::string& c : Dechunk(out, &terminated)) {
    EXPECT_FALSE(Event(c).contains("usage")) << c;
  }
  EXPECT_EQ(Event(Dechunk(out, &terminated)[2])["choices"][0]["finish_reason"], "stop");
}

TEST(CompletionWriterTest, CompletionsStream) {
  CompletionWriter w;
  w.Begin(CompletionApi::kCompletions, "cmpl-1", 5, "m", false, true);
  std::string out;
  w.AppendTokenChunk(" word", &out);
  w.AppendFinishChunk(true, &out);
  w.AppendDone(&out);
  bool terminated;
  std::vector<std::string> chunks = Dechunk(out, &terminated);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(Event(chunks[0]), json::parse(R"({"id":"cmpl-1","object":"text_completion",
      "created":5,"model":"m","system_fingerprint":"fp_llmload_mock",
      "choices":[{"index":0,"text":" word","logprobs":null,"finish_reason":null}]})"));
  EXPECT_EQ(Event(chunks[1])["choices"][0]["text"], "");
  EXPECT_EQ(Event(chunks[1])["choices"][0]["finish_reason"], "length");
}

TEST(CompletionWriterTest, UnchunkedStreamForHttp10) {
  CompletionWriter w;
  w.Begin(CompletionApi::kChat, "chatcmpl-1", 1, "m", false, false);
  std::string out;
  w.AppendTokenChunk(" a", &out);
  w.AppendDone(&out);
  EXPECT_TRUE(absl::StartsWith(out, "data: {"));
  EXPECT_TRUE(absl::EndsWith(out, "\n\ndata: [DONE]\n\n"));
}

TEST(CompletionWriterTest, NonStreamingBodies) {
  CompletionWriter w;
  w.Begin(CompletionApi::kChat, "chatcmpl-9", 7, "m", false, true);
  std::string out;
  w.AppendBody(" a b\\\"", false, 3, 2, &out);
  EXPECT_EQ(json::parse(out), json::parse(R"({"id":"chatcmpl-9","object":"chat.completion",
      "created":7,"model":"m","system_fingerprint":"fp_llmload_mock","choices":[{"index":0,
      "message":{"role":"assistant","content":" a b\"","refusal":null},"logprobs":null,
      "finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,
      "total_tokens":5}})"));
  w.Begin(CompletionApi::kCompletions, "cmpl-9", 7, "m", false, true);
  out.clear();
  w.AppendBody(" x", true, 1, 1, &out);
  json body = json::parse(out);
  EXPECT_EQ(body["object"], "text_completion");
  EXPECT_EQ(body["choices"][0]["text"], " x");
  EXPECT_EQ(body["choices"][0]["finish_reason"], "length");
}

TEST(JsonEscapeTest, EscapesWhatJsonRequires) {
  EXPECT_EQ(JsonQuote("plain"), "\"plain\"");
  EXPECT_EQ(JsonQuote("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(JsonQuote("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(JsonQuote(std::string("\x00\x1f", 2)), R"("\u0000\u001f")");
  EXPECT_EQ(JsonQuote("café 日本 😀"), "\"café 日本 😀\"");  // valid UTF-8 kept
  EXPECT_EQ(JsonQuote("a\xff"
                      "b"),
            R"("a\ufffdb")");                                       // invalid byte replaced
  EXPECT_EQ(JsonQuote("\xc3"), R"("\ufffd")");                      // truncated sequence
  EXPECT_EQ(JsonQuote("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");  // surrogate
  EXPECT_NO_THROW(json::parse(JsonQuote("\xf0\x9f\x98")));
}

TEST(TokenVocabularyTest, EveryTokenHasALeadingSpaceAndRoundTrips) {
  const TokenVocabulary& v = TokenVocabulary::Get();
  ASSERT_GT(v.size(), 32u);
  for (size_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(v.text(i)[0], ' ');
    EXPECT_EQ(v.text(i).find(' ', 1), absl::string_view::npos);
    EXPECT_EQ(json::parse("\"" + std::string(v.escaped(i)) + "\""), std::string(v.text(i)));
  }
}

}  // namespace
}  // namespace llmload::mock
