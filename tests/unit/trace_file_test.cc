#include "schedule/trace_file.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace llmload::schedule {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int64_t kMs = 1'000'000;

// The error ParseTrace gives for `contents`, or "" when it accepts them.
std::string ErrorOf(absl::string_view contents) {
  absl::StatusOr<Trace> trace = ParseTrace(contents, "t.jsonl");
  return trace.ok() ? "" : std::string(trace.status().message());
}

TEST(TraceFileTest, ReadsMooncakeLines) {
  absl::StatusOr<Trace> trace = ParseTrace(
      R"({"timestamp": 27482, "input_length": 6955, "output_length": 52, "hash_ids": [46, 47]}
{"timestamp": 27500.5, "input_length": 10, "extra": {"ignored": true}}
)",
      "t.jsonl");
  ASSERT_TRUE(trace.ok()) << trace.status();
  EXPECT_EQ(trace->path, "t.jsonl");
  ASSERT_EQ(trace->requests.size(), 2u);
  const TraceRequest& first = trace->requests[0];
  EXPECT_EQ(first.offset_ns, 27482 * kMs);
  EXPECT_EQ(first.line, 1);
  EXPECT_EQ(first.input_length, 6955);
  EXPECT_EQ(first.output_length, 52);
  EXPECT_THAT(first.hash_ids, ElementsAre(46, 47));
  EXPECT_TRUE(first.prompt.empty());
  const TraceRequest& second = trace->requests[1];
  EXPECT_EQ(second.offset_ns, 27500 * kMs + 500'000);  // the fraction of a ms kept, in ns
  EXPECT_EQ(second.input_length, 10);
  EXPECT_FALSE(second.output_length.has_value());
  EXPECT_TRUE(second.hash_ids.empty());
}

TEST(TraceFileTest, ReadsPromptsAndMessages) {
  absl::StatusOr<Trace> trace = ParseTrace(
      "{\"timestamp\": 0, \"prompt\": \"What is TCP?\", \"output_length\": 7}\n"
      "{\"timestamp\": 1, \"messages\": [{\"role\": \"system\", \"content\": \"Be brief\"},"
      " {\"role\": \"user\", \"content\": \"Hi\"}]}\n",
      "t.jsonl");
  ASSERT_TRUE(trace.ok()) << trace.status();
  ASSERT_EQ(trace->requests.size(), 2u);
  EXPECT_EQ(trace->requests[0].prompt, "What is TCP?");
  EXPECT_EQ(trace->requests[0].input_length, 0);
  EXPECT_EQ(trace->requests[0].output_length, 7);
  EXPECT_EQ(trace->requests[1].prompt, "Hi");  // the last user message
}

TEST(TraceFileTest, SortsStablyAndKeepsLineNumbers) {
  // A BOM, CRLF and a blank line (counted), out of order, two lines sharing an offset.
  absl::StatusOr<Trace> trace = ParseTrace(
      "\xEF\xBB\xBF{\"timestamp\": 30, \"prompt\": \"c\"}\r\n"
      "\n"
      "{\"timestamp\": 10, \"prompt\": \"a\"}\r\n"
      "{\"timestamp\": 30, \"prompt\": \"d\"}\n"
      "{\"timestamp\": 20, \"prompt\": \"b\"}\n",
      "t.jsonl");
  ASSERT_TRUE(trace.ok()) << trace.status();
  std::string order;
  std::vector<int64_t> lines;
  for (const TraceRequest& r : trace->requests) {
    order += r.prompt;
    lines.push_back(r.line);
  }
  EXPECT_EQ(order, "abcd");
  EXPECT_THAT(lines, ElementsAre(3, 5, 1, 4));
}

TEST(TraceFileTest, RoundsFractionalMillisecondsToNanoseconds) {
  absl::StatusOr<Trace> trace = ParseTrace(
      "{\"timestamp\": 999999999.0000004, \"prompt\": \"x\"}\n"
      "{\"timestamp\": 0.0000006, \"prompt\": \"y\"}\n",
      "t.jsonl");
  ASSERT_TRUE(trace.ok()) << trace.status();
  EXPECT_EQ(trace->requests[0].offset_ns, 1);  // 0.6 ns rounds to 1
  // A large offset stays exact to the ms rather than drifting by the product's rounding.
  EXPECT_EQ(trace->requests[1].offset_ns, 999'999'999 * kMs);
}

TEST(TraceFileTest, NamesTheLineAndFieldOfEachError) {
  EXPECT_EQ(ErrorOf("{\"prompt\": \"x\"}\n"),
            "t.jsonl:1: missing field 'timestamp' (milliseconds from the trace's start)");
  EXPECT_EQ(ErrorOf("\n{\"timestamp\": \"5\", \"prompt\": \"x\"}\n"),
            "t.jsonl:2: field 'timestamp' must be a number >= 0, got string");
  EXPECT_EQ(ErrorOf("{\"timestamp\": -3, \"prompt\": \"x\"}"),
            "t.jsonl:1: field 'timestamp' must be a number >= 0, got -3");
  EXPECT_THAT(ErrorOf("{\"timestamp\": 1000000001, \"prompt\": \"x\"}"),
              HasSubstr("t.jsonl:1: field 'timestamp' must be at most 1000000000 (ms)"));
  EXPECT_THAT(ErrorOf("{\"timestamp\": 1e300, \"prompt\": \"x\"}"),
              HasSubstr("t.jsonl:1: field 'timestamp' must be at most 1000000000 (ms)"));
  EXPECT_EQ(ErrorOf("{\"timestamp\": 1, \"input_length\": 0}"),
            "t.jsonl:1: field 'input_length' must be an integer >= 1, got 0");
  EXPECT_EQ(ErrorOf("{\"timestamp\": 1, \"input_length\": 2.5}"),
            "t.jsonl:1: field 'input_length' must be an integer >= 1, got 2.5");
  EXPECT_EQ(ErrorOf("{\"timestamp\": 1, \"input_length\": 1000001}"),
            "t.jsonl:1: field 'input_length' must be at most 1000000, got 1000001");
  EXPECT_EQ(ErrorOf("{\"timestamp\": 1, \"input_length\": 5, \"hash_ids\": [1, -2]}"),
            "t.jsonl:1: field 'hash_ids[1]' must be an integer >= 0, got -2");
  EXPECT_EQ(ErrorOf("{\"timestamp\": 1, \"input_length\": 5, \"hash_ids\": 3}"),
            "t.jsonl:1: field 'hash_ids' must be an array of integers >= 0, got 3");
  EXPECT_THAT(ErrorOf("{\"timestamp\": 1, \"hash_ids\": [1]}"),
              HasSubstr("t.jsonl:1: field 'hash_ids' without 'input_length'"));
  EXPECT_THAT(ErrorOf("{\"timestamp\": 1, \"input_length\": 5, \"prompt\": \"x\"}"),
              HasSubstr("t.jsonl:1: fields 'input_length' and 'prompt' together"));
  EXPECT_THAT(ErrorOf("{\"timestamp\": 1}"),
              HasSubstr("t.jsonl:1: missing field 'input_length' or 'prompt'/'messages'"));
  EXPECT_EQ(ErrorOf("{\"timestamp\": 1, \"prompt\": \"x\", \"output_length\": 0}"),
            "t.jsonl:1: field 'output_length' must be an integer >= 1, got 0");
  EXPECT_THAT(ErrorOf("{\"timestamp\": 1, \"prompt\": \"  \"}"), HasSubstr("t.jsonl:1:"));
  EXPECT_THAT(ErrorOf("[1, 2]"),
              HasSubstr("t.jsonl:1: expected a JSON object with a 'timestamp' field, got array"));
  EXPECT_THAT(ErrorOf("{\"timestamp\": 1,"), HasSubstr("t.jsonl:1: invalid JSON"));
}

TEST(TraceFileTest, BoundsTheSyntheticTokensOfTheWholeTrace) {
  std::string lines;
  for (int i = 0; i < 400; ++i) lines += "{\"timestamp\": 1, \"input_length\": 1000000}\n";
  EXPECT_EQ(ErrorOf(lines), "");  // 400,000,000 tokens: at the limit
  lines += "{\"timestamp\": 1, \"prompt\": \"own text does not count\"}\n";
  EXPECT_EQ(ErrorOf(lines), "");
  lines += "{\"timestamp\": 2, \"input_length\": 1}\n";
  EXPECT_THAT(ErrorOf(lines),
              HasSubstr("t.jsonl:402: the synthetic prompts' input_length sums to more than "
                        "400000000 tokens"));
}

TEST(TraceFileTest, RefusesAnEmptyTrace) {
  EXPECT_THAT(ErrorOf(""), HasSubstr("--trace: 't.jsonl' has no requests"));
  EXPECT_THAT(ErrorOf("\n  \r\n"), HasSubstr("--trace: 't.jsonl' has no requests"));
}

TEST(TraceFileTest, LoadsAFileAndNamesAnUnreadableOne) {
  const std::filesystem::path path =
      std::filesystem::path(::testing::TempDir()) / "trace_file_test.jsonl";
  {
    std::ofstream out(path);
    out << "{\"timestamp\": 2, \"input_length\": 3}\n";
  }
  absl::StatusOr<Trace> trace = LoadTraceFile(path.string());
  ASSERT_TRUE(trace.ok()) << trace.status();
  EXPECT_EQ(trace->requests.size(), 1u);
  EXPECT_EQ(trace->requests[0].offset_ns, 2 * kMs);
  std::filesystem::remove(path);

  absl::StatusOr<Trace> missing = LoadTraceFile(path.string());
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(),
              HasSubstr("--trace: cannot read '" + path.string() + "': "));
}

}  // namespace
}  // namespace llmload::schedule
