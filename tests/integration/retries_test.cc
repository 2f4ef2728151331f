// `--retries` against a real `llmload mock` that fails half of its requests: every attempt
// the server saw is counted once, as a request or as a retry, and retries take failures
// away without adding requests.
#include <chrono>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/files.h"
#include "support/mock_process.h"
#include "support/subprocess.h"

namespace llmload::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

uint64_t Sum(const json& by_class) {
  uint64_t n = 0;
  for (const auto& [name, count] : by_class.items()) n += count.get<uint64_t>();
  return n;
}

json RunAgainst(MockProcess& mock, const std::string& dir, std::vector<std::string> extra) {
  std::vector<std::string> argv = {LlmloadBinary(),
                                   "run",
                                   "--url",
                                   mock.url(),
                                   "--model",
                                   "m",
                                   "-u",
                                   "4",
                                   "-r",
                                   "1000",
                                   "-n",
                                   "200",
                                   "-q",
                                   "--threads",
                                   "1",
                                   "--json-out",
                                   dir + "/r.json",
                                   "--metrics-bind",
                                   "off"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  Subprocess run(argv);
  EXPECT_EQ(run.Wait(seconds(120)), 0) << run.Output();
  return ReadJson(dir + "/r.json");
}

// A mock that answers half of its requests with a 503.
class RetriesTest : public ::testing::Test {
 protected:
  MockProcess mock{{"--ttft", "1ms", "--itl", "1ms", "--output-tokens", "3", "--error-rate", "0.5",
                    "--error-status", "503", "--seed", "7"}};
  const std::string dir = MakeTempDir();
};

TEST_F(RetriesTest, EveryAttemptIsCountedAndRetriesTurnFailuresIntoSuccesses) {
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const json r = RunAgainst(
      mock, dir, {"--retries", "6", "--retry-backoff", "1ms", "--retry-backoff-max", "4ms"});
  ASSERT_TRUE(r.is_object());
  const json& req = r["requests"];
  EXPECT_EQ(req["total"], 200);  // a retry is not a request
  const uint64_t retries = Sum(req["retries"]);
  EXPECT_EQ(req["retries"]["http_5xx"].get<uint64_t>(), retries);
  EXPECT_GT(retries, 50u);  // about 200 expected: half of all attempts fail
  // What the server saw is what llmload counted: each attempt once.
  EXPECT_EQ(req["attempts"].get<uint64_t>(), 200 + retries);
  EXPECT_EQ(mock.Stats().value("requests_by_endpoint", json::object()).value("chat_completions", 0),
            req["attempts"].get<int>());
  // With six retries a request fails only if seven attempts in a row did (1 in 128).
  EXPECT_LT(req["failed"].get<int>(), 20);
}

TEST_F(RetriesTest, WithoutRetriesEveryAttemptIsARequest) {
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const json r = RunAgainst(mock, dir, {});
  ASSERT_TRUE(r.is_object());
  const json& req = r["requests"];
  EXPECT_EQ(req["total"], 200);
  EXPECT_EQ(req["attempts"], 200);
  EXPECT_EQ(Sum(req["retries"]), 0u);
  EXPECT_GT(req["failed"].get<int>(), 50);
}

TEST_F(RetriesTest, RetriesThatAreNotListedAreNotSent) {
  ASSERT_GT(mock.port(), 0) << mock.process().Output();
  const json r = RunAgainst(mock, dir, {"--retries", "3", "--retry-on", "429,connect"});
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r["requests"]["attempts"], 200);
  EXPECT_GT(r["requests"]["failed"].get<int>(), 50);
}

}  // namespace
}  // namespace llmload::testing
