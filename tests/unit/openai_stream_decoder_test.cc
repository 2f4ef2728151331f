#include "api/openai_stream_decoder.h"

#include <string>

#include "api/sse_parser.h"
#include "gtest/gtest.h"
#include "tests/unit/openai_stream_fixture.h"

namespace llmload {
namespace {

using testing::ChatChunk;
using testing::UsageChunk;

TEST(OpenAiStreamDecoderTest, RoleOnlyChunkIsNotContent) {
  OpenAiStreamDecoder d;
  EXPECT_EQ(d.Decode(ChatChunk(R"({"role":"assistant","content":""})")).kind, ChunkKind::kEmpty);
  EXPECT_EQ(d.Decode(ChatChunk(R"({"role":"assistant"})")).kind, ChunkKind::kEmpty);
  EXPECT_EQ(d.Decode(ChatChunk(R"({"role":"assistant","content":null})")).kind, ChunkKind::kEmpty);
  EXPECT_EQ(d.Decode(ChatChunk("{}")).kind, ChunkKind::kEmpty);
  EXPECT_EQ(d.content_chunks(), 0);
  EXPECT_FALSE(d.complete());
}

TEST(OpenAiStreamDecoderTest, ContentChunk) {
  OpenAiStreamDecoder d;
  ChunkInfo info = d.Decode(ChatChunk(R"({"content":"caf\u00e9 \"x\"\n"})"));
  EXPECT_EQ(info.kind, ChunkKind::kContent);
  EXPECT_EQ(info.text, "caf\xC3\xA9 \"x\"\n");
  EXPECT_FALSE(info.has_finish_reason);
  EXPECT_FALSE(info.has_usage);
  EXPECT_EQ(d.content_chunks(), 1);
  EXPECT_EQ(d.content_bytes(), 10);
}

TEST(OpenAiStreamDecoderTest, ReasoningAndToolCallDeltasAreContent) {
  OpenAiStreamDecoder d;
  EXPECT_EQ(d.Decode(ChatChunk(R"({"reasoning_content":"Let me think"})")).text, "Let me think");
  EXPECT_EQ(d.Decode(ChatChunk(R"({"content":null,"reasoning":"hmm"})")).text, "hmm");
  EXPECT_EQ(
      d.Decode(ChatChunk(R"({"tool_calls":[{"index":0,"function":{"arguments":"{\"a\""}}]})")).kind,
      ChunkKind::kContent);
  // A tool call announcing only its name, or an empty reasoning delta, generates nothing yet.
  EXPECT_EQ(d.Decode(ChatChunk(R"({"tool_calls":[{"index":0,"function":{"name":"f"}}]})")).kind,
            ChunkKind::kEmpty);
  EXPECT_EQ(d.Decode(ChatChunk(R"({"reasoning_content":""})")).kind, ChunkKind::kEmpty);
  EXPECT_EQ(d.content_chunks(), 3);
}

TEST(OpenAiStreamDecoderTest, FinishReasonChunk) {
  OpenAiStreamDecoder d;
  ChunkInfo info = d.Decode(ChatChunk("{}", R"("length")"));
  EXPECT_EQ(info.kind, ChunkKind::kEmpty);
  EXPECT_TRUE(info.has_finish_reason);
  EXPECT_TRUE(d.finish_seen());
  EXPECT_EQ(d.finish_reason(), "length");
  EXPECT_TRUE(d.complete());
  EXPECT_FALSE(d.done_seen());
}

TEST(OpenAiStreamDecoderTest, LastContentChunkMayCarryTheFinishReason) {
  OpenAiStreamDecoder d;
  ChunkInfo info = d.Decode(ChatChunk(R"({"content":"end."})", R"("stop")"));
  EXPECT_EQ(info.kind, ChunkKind::kContent);
  EXPECT_TRUE(info.has_finish_reason);
  EXPECT_EQ(d.finish_reason(), "stop");
}

TEST(OpenAiStreamDecoderTest, UsageChunk) {
  OpenAiStreamDecoder d;
  ChunkInfo info = d.Decode(UsageChunk(12, 34));
  EXPECT_EQ(info.kind, ChunkKind::kEmpty);
  EXPECT_TRUE(info.has_usage);
  ASSERT_TRUE(d.usage().has_value());
  EXPECT_EQ(*d.usage(), (TokenUsage{12, 34}));
}

TEST(OpenAiStreamDecoderTest, NullOrIncompleteUsageIsAbsent) {
  OpenAiStreamDecoder d;
  // vLLM sends "usage":null on every chunk unless asked for continuous stats.
  EXPECT_FALSE(
      d.Decode(R"({"choices":[{"index":0,"delta":{"content":"a"}}],"usage":null})").has_usage);
  EXPECT_FALSE(d.Decode(R"({"choices":[],"usage":{"prompt_tokens":3}})").has_usage);
  EXPECT_FALSE(d.Decode(R"({"choices":[],"usage":{"completion_tokens":"7"}})").has_usage);
  EXPECT_FALSE(d.usage().has_value());
  // prompt_tokens alone may be missing.
  EXPECT_TRUE(d.Decode(R"({"choices":[],"usage":{"completion_tokens":7}})").has_usage);
  EXPECT_EQ(*d.usage(), (TokenUsage{0, 7}));
}

TEST(OpenAiStreamDecoderTest, AUsageThatIsThereButNotAnIntegerIsInvalidNotAbsent) {
  // Absent or null usage (or counts) is no evidence against the server.
  for (const char* chunk :
       {R"({"choices":[],"usage":null})", R"({"choices":[]})",
        R"({"choices":[],"usage":{"completion_tokens":null}})",
        R"({"choices":[],"usage":{"completion_tokens":3,"prompt_tokens":null}})"}) {
    OpenAiStreamDecoder d;
    d.Decode(chunk);
    EXPECT_FALSE(d.usage_invalid()) << chunk;
  }
  // A count that is not an integer must not fall back silently to counting chunks.
  for (const char* chunk : {R"({"choices":[],"usage":{"completion_tokens":1.5}})",
                            R"({"choices":[],"usage":{"completion_tokens":"12"}})",
                            R"({"choices":[],"usage":{"completion_tokens":true}})",
                            R"({"choices":[],"usage":{"completion_tokens":1e30}})",
                            R"({"choices":[],"usage":{"completion_tokens":18446744073709551615}})",
                            R"({"choices":[],"usage":{"completion_tokens":3,"prompt_tokens":"5"}})",
                            R"({"choices":[],"usage":12})"}) {
    OpenAiStreamDecoder d;
    EXPECT_FALSE(d.Decode(chunk).has_usage) << chunk;
    EXPECT_TRUE(d.usage_invalid()) << chunk;
    EXPECT_FALSE(d.usage().has_value());
    d.Reset();
    EXPECT_FALSE(d.usage_invalid());
    ResponseInfo body = d.DecodeResponseBody(chunk);
    EXPECT_TRUE(body.usage_invalid) << chunk;
  }
  // One bad usage taints the stream even if a later one looks right.
  OpenAiStreamDecoder d;
  d.Decode(R"({"choices":[],"usage":{"completion_tokens":-1.5}})");
  d.Decode(R"({"choices":[],"usage":{"completion_tokens":4}})");
  EXPECT_TRUE(d.usage_invalid());
  // Negative integers are read as they are: CheckUsage (token_usage.h) judges the range.
  OpenAiStreamDecoder negative;
  negative.Decode(R"({"choices":[],"usage":{"completion_tokens":-1000}})");
  EXPECT_FALSE(negative.usage_invalid());
  EXPECT_EQ(*negative.usage(), (TokenUsage{0, -1000}));
}

TEST(OpenAiStreamDecoderTest, RunningUsageKeepsTheLast) {
  OpenAiStreamDecoder d;
  d.Decode(
      R"({"choices":[{"delta":{"content":"a"}}],"usage":{"prompt_tokens":5,"completion_tokens":1}})");
  d.Decode(
      R"({"choices":[{"delta":{"content":"b"}}],"usage":{"prompt_tokens":5,"completion_tokens":2}})");
  EXPECT_EQ(*d.usage(), (TokenUsage{5, 2}));
  EXPECT_EQ(d.content_chunks(), 2);
}

TEST(OpenAiStreamDecoderTest, DoneSentinel) {
  OpenAiStreamDecoder d;
  EXPECT_EQ(d.Decode("[DONE]").kind, ChunkKind::kDone);
  EXPECT_TRUE(d.done_seen());
  EXPECT_TRUE(d.complete());
  OpenAiStreamDecoder d2;
  EXPECT_EQ(d2.Decode(" [DONE] ").kind, ChunkKind::kDone);
  EXPECT_EQ(d2.Decode("[DONE").kind, ChunkKind::kMalformed);
}

TEST(OpenAiStreamDecoderTest, ErrorPayloads) {
  {
    OpenAiStreamDecoder d;
    ChunkInfo info = d.Decode(
        R"({"error":{"message":"context too long","type":"invalid_request_error","code":400}})");
    EXPECT_EQ(info.kind, ChunkKind::kError);
    EXPECT_TRUE(d.error_seen());
    EXPECT_EQ(d.error().message, "context too long");
    EXPECT_EQ(d.error().type, "invalid_request_error");
    EXPECT_EQ(d.error().code, "400");
    // The first error is kept.
    d.Decode(R"({"error":{"message":"second","code":"x"}})");
    EXPECT_EQ(d.error().message, "context too long");
  }
  {
    OpenAiStreamDecoder d;  // TGI
    EXPECT_EQ(d.Decode(R"({"error":"Input validation error","error_type":"validation"})").kind,
              ChunkKind::kError);
    EXPECT_EQ(d.error().message, "Input validation error");
    EXPECT_EQ(d.error().type, "validation");
  }
  {
    OpenAiStreamDecoder d;  // vLLM
    EXPECT_EQ(
        d.Decode(R"({"object":"error","message":"oops","type":"BadRequestError","code":400})").kind,
        ChunkKind::kError);
    EXPECT_EQ(d.error().message, "oops");
    EXPECT_EQ(d.error().code, "400");
  }
  {
    OpenAiStreamDecoder d;
    EXPECT_EQ(d.Decode(R"({"choices":[],"error":null})").kind, ChunkKind::kEmpty);
    EXPECT_FALSE(d.error_seen());
  }
}

TEST(OpenAiStreamDecoderTest, MalformedPayloads) {
  OpenAiStreamDecoder d;
  EXPECT_EQ(d.Decode(R"({"choices":[{"delta":{"content":"a"}})").kind, ChunkKind::kMalformed);
  EXPECT_EQ(d.Decode("not json").kind, ChunkKind::kMalformed);
  EXPECT_EQ(d.Decode("").kind, ChunkKind::kMalformed);
  EXPECT_EQ(d.Decode("[1,2]").kind, ChunkKind::kMalformed);
  EXPECT_EQ(d.Decode("\"just a string\"").kind, ChunkKind::kMalformed);
  EXPECT_EQ(d.Decode(R"({"a":1} trailing)").kind, ChunkKind::kMalformed);
  EXPECT_EQ(d.malformed_chunks(), 6);
  EXPECT_TRUE(d.malformed_seen());
  EXPECT_EQ(d.content_chunks(), 0);
  // The decoder keeps working after malformed input.
  EXPECT_EQ(d.Decode(ChatChunk(R"({"content":"ok"})")).kind, ChunkKind::kContent);
}

TEST(OpenAiStreamDecoderTest, CompletionsChunks) {
  OpenAiStreamDecoder d;
  const auto chunk = [](absl::string_view text, absl::string_view finish) {
    return absl::StrCat(R"({"id":"cmpl-1","object":"text_completion","created":1,"model":"m",)",
                        R"("choices":[{"index":0,"text":)", text,
                        R"(,"logprobs":null,"finish_reason":)", finish, "}]}");
  };
  EXPECT_EQ(d.Decode(chunk(R"("Once")", "null")).kind, ChunkKind::kContent);
  EXPECT_EQ(d.Decode(chunk(R"(" upon")", "null")).text, " upon");
  EXPECT_EQ(d.Decode(chunk(R"("")", R"("length")")).kind, ChunkKind::kEmpty);
  EXPECT_EQ(d.content_chunks(), 2);
  EXPECT_EQ(d.finish_reason(), "length");
}

TEST(OpenAiStreamDecoderTest, WholeStreamThroughTheSseParser) {
  constexpr int kContent = 25;
  const std::string stream = testing::ToSse(testing::ChatStreamPayloads(kContent, 40), "\r\n");
  SseParser parser;
  OpenAiStreamDecoder d;
  int kinds[5] = {};
  // Arbitrary 7-byte reads, as libcurl could deliver.
  for (size_t pos = 0; pos < stream.size(); pos += 7) {
    ASSERT_TRUE(parser
                    .Feed(absl::string_view(stream).substr(pos, 7),
                          [&](absl::string_view, absl::string_view data) {
                            ++kinds[static_cast<int>(d.Decode(data).kind)];
                          })
                    .ok());
  }
  EXPECT_EQ(parser.Finish(), SseParser::End::kClean);
  EXPECT_EQ(d.content_chunks(), kContent);
  EXPECT_EQ(kinds[static_cast<int>(ChunkKind::kContent)], kContent);
  EXPECT_EQ(kinds[static_cast<int>(ChunkKind::kEmpty)], 3);  // role, finish, usage
  EXPECT_EQ(kinds[static_cast<int>(ChunkKind::kDone)], 1);
  EXPECT_EQ(kinds[static_cast<int>(ChunkKind::kMalformed)], 0);
  EXPECT_EQ(d.chunks(), kContent + 4);
  EXPECT_TRUE(d.done_seen());
  EXPECT_EQ(d.finish_reason(), "stop");
  EXPECT_EQ(*d.usage(), (TokenUsage{40, kContent}));
  EXPECT_FALSE(d.error_seen());
  EXPECT_FALSE(d.malformed_seen());
}

TEST(OpenAiStreamDecoderTest, ResetClearsRequestState) {
  OpenAiStreamDecoder d;
  d.Decode(ChatChunk(R"({"content":"a"})", R"("stop")"));
  d.Decode(UsageChunk(1, 1));
  d.Decode(R"({"error":{"message":"m"}})");
  d.Decode("x");
  d.Decode("[DONE]");
  // A big payload grows the buffer past what Reset keeps.
  const std::string big =
      ChatChunk(absl::StrCat(R"({"content":")", std::string(3 << 20, 'z'), R"("})"));
  EXPECT_EQ(d.Decode(big).text.size(), size_t{3 << 20});
  d.Reset();
  EXPECT_EQ(d.chunks(), 0);
  EXPECT_EQ(d.content_chunks(), 0);
  EXPECT_EQ(d.content_bytes(), 0);
  EXPECT_FALSE(d.done_seen());
  EXPECT_FALSE(d.finish_seen());
  EXPECT_FALSE(d.usage().has_value());
  EXPECT_FALSE(d.error_seen());
  EXPECT_EQ(d.error().message, "");
  EXPECT_FALSE(d.malformed_seen());
  EXPECT_EQ(d.Decode(ChatChunk(R"({"content":"after"})")).text, "after");
}

TEST(OpenAiStreamDecoderTest, NonStreamingChatBody) {
  OpenAiStreamDecoder d;
  ResponseInfo r = d.DecodeResponseBody(
      R"({"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m",)"
      R"("choices":[{"index":0,"message":{"role":"assistant","content":"Hi there"},)"
      R"("finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}})");
  EXPECT_EQ(r.kind, ChunkKind::kContent);
  EXPECT_EQ(r.text, "Hi there");
  EXPECT_EQ(r.finish_reason, "stop");
  ASSERT_TRUE(r.usage.has_value());
  EXPECT_EQ(*r.usage, (TokenUsage{9, 3}));
  // The stream state is untouched.
  EXPECT_EQ(d.chunks(), 0);
}

TEST(OpenAiStreamDecoderTest, NonStreamingCompletionsAndEmptyBodies) {
  OpenAiStreamDecoder d;
  ResponseInfo r = d.DecodeResponseBody(
      R"({"object":"text_completion","choices":[{"index":0,"text":" a time","finish_reason":"length"}]})");
  EXPECT_EQ(r.kind, ChunkKind::kContent);
  EXPECT_EQ(r.text, " a time");
  EXPECT_FALSE(r.usage.has_value());
  ResponseInfo empty = d.DecodeResponseBody(
      R"({"choices":[{"message":{"role":"assistant","content":""},"finish_reason":"stop"}]})");
  EXPECT_EQ(empty.kind, ChunkKind::kEmpty);
  EXPECT_EQ(empty.finish_reason, "stop");
  EXPECT_EQ(d.DecodeResponseBody(R"({"choices":[]})").kind, ChunkKind::kEmpty);
  EXPECT_EQ(d.DecodeResponseBody(R"({"choices":[{"message":)").kind, ChunkKind::kMalformed);
  ResponseInfo err = d.DecodeResponseBody(R"({"error":{"message":"bad model","type":"nf"}})");
  EXPECT_EQ(err.kind, ChunkKind::kError);
  EXPECT_EQ(err.error.message, "bad model");
}

TEST(OpenAiStreamDecoderTest, ErrorBodies) {
  OpenAiStreamDecoder d;
  ApiError e = d.DecodeErrorBody(
      R"({"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}})");
  EXPECT_EQ(e.message, "Rate limit reached");
  EXPECT_EQ(e.type, "requests");
  EXPECT_EQ(e.code, "rate_limit_exceeded");
  EXPECT_EQ(d.DecodeErrorBody(R"({"detail":"Not Found"})").message, "Not Found");
  EXPECT_EQ(d.DecodeErrorBody(R"({"detail":[{"loc":["body"],"msg":"x"}]})").message,
            R"([{"loc":["body"],"msg":"x"}])");
  EXPECT_EQ(d.DecodeErrorBody(R"({"message":"overloaded"})").message, "overloaded");
  EXPECT_EQ(d.DecodeErrorBody("  <html>502 Bad Gateway</html>\n").message,
            "<html>502 Bad Gateway</html>");
  const std::string huge(1000, 'e');
  EXPECT_EQ(d.DecodeErrorBody(huge).message, std::string(256, 'e') + "...");
}

}  // namespace
}  // namespace llmload
