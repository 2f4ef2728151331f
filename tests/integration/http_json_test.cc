// `llmload run --api http-json` against a real `llmload mock` process: seed 000's
// /summarize?model=X endpoint (non-streamed and NDJSON) and the mock's OpenAI SSE stream read
// through --chunk-text / --stream-done. The request count equals the mock's, and output tokens
// equal the mock's usage.
#include <chrono>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/files.h"
#include "support/mock_process.h"
#include "support/run_tools.h"
#include "support/subprocess.h"

namespace llmload::testing {
namespace {

using nlohmann::json;

constexpr std::chrono::seconds kRunTimeout(60);

class HttpJsonTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  std::string dir_;
};

TEST_F(HttpJsonTest, SeedZeroSummarizeCountsEqualTheMocks) {
  MockProcess mock({"--ttft", "5ms", "--itl", "1ms", "--output-tokens", "8"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string out = dir_ + "/s.json";
  RunResult r = RunLlmload({"run",
                            "--api",
                            "http-json",
                            "--url",
                            mock.url() + "/summarize?model=X",
                            "--model",
                            "X",
                            "--request-template",
                            R"({"text": "{{prompt}}"})",
                            "--response-text",
                            "summary",
                            "-u",
                            "4",
                            "-r",
                            "100",
                            "-n",
                            "40",
                            "-q",
                            "--json-out",
                            out},
                           kRunTimeout);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json summary = ReadJson(out);
  const json stats = mock.Stats();
  EXPECT_EQ(summary["requests"]["succeeded"], 40) << r.output;
  EXPECT_EQ(stats["requests_by_dialect"]["summarize"], 40) << stats.dump();
  EXPECT_EQ(stats["completed"], 40);
  EXPECT_EQ(summary["run"]["token_source"], "chunks");  // no token path: one chunk per body
  EXPECT_EQ(summary["tokens"]["output_total"], 40);
}

TEST_F(HttpJsonTest, SummarizeTokensFromPathsAndNdjsonStream) {
  MockProcess mock({"--ttft", "5ms", "--itl", "1ms", "--output-tokens", "8"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string out = dir_ + "/n.json";
  RunResult r = RunLlmload({"run",
                            "--api",
                            "http-json",
                            "--url",
                            mock.url() + "/summarize?model=X",
                            "--model",
                            "X",
                            "--request-template",
                            R"({"text": "{{prompt}}", "stream": true})",
                            "--stream-format",
                            "ndjson",
                            "--chunk-text",
                            "summary",
                            "--stream-done",
                            "done=true",
                            "--response-output-tokens",
                            "usage.output_tokens",
                            "-u",
                            "4",
                            "-r",
                            "100",
                            "-n",
                            "30",
                            "-q",
                            "--json-out",
                            out},
                           kRunTimeout);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json summary = ReadJson(out);
  const json stats = mock.Stats();
  EXPECT_EQ(summary["requests"]["succeeded"], 30) << r.output;
  EXPECT_EQ(stats["streamed"], 30) << stats.dump();
  EXPECT_EQ(summary["tokens"]["output_total"], 30 * 8);
  EXPECT_EQ(summary["run"]["token_source"], "usage");
}

TEST_F(HttpJsonTest, OpenAiSseThroughPaths) {
  MockProcess mock({"--ttft", "5ms", "--itl", "1ms", "--output-tokens", "6"});
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const std::string out = dir_ + "/o.json";
  RunResult r = RunLlmload(
      {"run",
       "--api",
       "http-json",
       "--url",
       mock.url() + "/v1/chat/completions",
       "--model",
       "m",
       "--request-template",
       R"({"model": "%m", "messages": [{"role": "user", "content": "%p"}], "stream": true})",
       "--stream-format",
       "sse",
       "--chunk-text",
       "choices.0.delta.content",
       "--stream-done",
       "choices.0.finish_reason=stop",
       "-u",
       "3",
       "-r",
       "100",
       "-n",
       "24",
       "-q",
       "--json-out",
       out},
      kRunTimeout);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json summary = ReadJson(out);
  EXPECT_EQ(summary["requests"]["succeeded"], 24) << r.output;
  EXPECT_EQ(mock.Stats()["requests_by_endpoint"]["chat_completions"], 24);
  EXPECT_EQ(summary["tokens"]["output_total"], 24 * 6);  // one chunk per token
  EXPECT_EQ(summary["run"]["token_source"], "chunks");
}

TEST_F(HttpJsonTest, ABadTemplateFailsBeforeTheRun) {
  RunResult r = RunLlmload({"run", "--api", "http-json", "--url", "http://127.0.0.1:9/x", "--model",
                            "m", "--request-template", R"({"n": {{messages}})", "-n", "1", "-q"},
                           kRunTimeout);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("--request-template"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace llmload::testing
