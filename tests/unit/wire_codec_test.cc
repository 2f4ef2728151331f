#include "common/wire_codec.h"

#include "gtest/gtest.h"

namespace llmload {
namespace {

// A valid delta (empty histograms included) whose outcomes are then set by the test.
proto::StatsDelta EmptyDelta() {
  proto::StatsDelta delta;
  StatsToProto(IntervalStats(), &delta);
  delta.clear_outcomes();
  return delta;
}

TEST(WireCodecTest, AnOlderAgentsFewerClassesAreCountedAsTheyAre) {
  // An agent from before the hostile-endpoint classes sends 12 outcomes.
  proto::StatsDelta delta = EmptyDelta();
  for (int i = 0; i < 12; ++i) delta.add_outcomes(i + 1);
  IntervalStats out;
  ASSERT_TRUE(MergeStatsFromProto(delta, &out).ok());
  for (int i = 0; i < 12; ++i) EXPECT_EQ(out.outcomes[i], static_cast<uint64_t>(i + 1));
  EXPECT_EQ(out.outcomes[static_cast<size_t>(ErrorClass::kResponseTooLarge)], 0u);
  EXPECT_EQ(out.outcomes[static_cast<size_t>(ErrorClass::kUnexpectedEncoding)], 0u);
}

TEST(WireCodecTest, ClassesThisBuildDoesNotKnowAreCountedAsOther) {
  // A newer agent's extra classes keep their requests in the totals, as "other".
  proto::StatsDelta delta = EmptyDelta();
  for (int i = 0; i < kErrorClassCount + 3; ++i) delta.add_outcomes(1);
  proto::RequestRecord* record = delta.add_records();
  record->set_status(kErrorClassCount + 7);
  IntervalStats out;
  ASSERT_TRUE(MergeStatsFromProto(delta, &out).ok());
  EXPECT_EQ(out.outcomes[static_cast<size_t>(ErrorClass::kOther)], 1u + 3u);
  EXPECT_EQ(out.outcomes[static_cast<size_t>(ErrorClass::kMalformedUsage)], 1u);
  EXPECT_EQ(out.requests(), static_cast<uint64_t>(kErrorClassCount + 3 - 1));  // not cancelled
  EXPECT_EQ(RequestsInStatsProto(delta), out.requests());
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].status, ErrorClass::kOther);
}

TEST(WireCodecTest, NewClassesTravel) {
  IntervalStats s;
  s.outcomes[static_cast<size_t>(ErrorClass::kResponseTooLarge)] = 4;
  s.outcomes[static_cast<size_t>(ErrorClass::kMalformedUsage)] = 3;
  s.outcomes[static_cast<size_t>(ErrorClass::kUnexpectedContentType)] = 2;
  s.outcomes[static_cast<size_t>(ErrorClass::kUnexpectedEncoding)] = 1;
  proto::StatsDelta delta;
  StatsToProto(s, &delta);
  EXPECT_EQ(delta.outcomes_size(), kErrorClassCount);
  IntervalStats out;
  ASSERT_TRUE(MergeStatsFromProto(delta, &out).ok());
  EXPECT_EQ(out.outcomes, s.outcomes);
  EXPECT_EQ(out.failed(), 10u);
}

TEST(WireCodecTest, MaxResponseBytesTravelsAndAnOlderMastersZeroMeansTheDefault) {
  WorkloadSpec spec;
  spec.url = "http://127.0.0.1:1/v1/chat/completions";
  spec.prompts.push_back(Prompt{"p", "hello"});
  spec.max_response_bytes = 3 << 20;
  proto::WorkloadSpec wire;
  SpecToProto(spec, &wire);
  absl::StatusOr<WorkloadSpec> back = SpecFromProto(wire);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->max_response_bytes, 3 << 20);
  wire.clear_max_response_bytes();
  back = SpecFromProto(wire);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->max_response_bytes, WorkloadSpec().max_response_bytes);
  EXPECT_EQ(back->max_response_bytes, 8 << 20);
  wire.set_max_response_bytes(-1);
  EXPECT_FALSE(SpecFromProto(wire).ok());
}

TEST(WireCodecTest, TheApiTravelsAsANameWithOptionsAndCredentials) {
  WorkloadSpec spec;
  spec.url = "http://127.0.0.1:1/model/m/converse";
  spec.prompts.push_back(Prompt{"p", "hello"});
  spec.api = "some-api";
  spec.api_options = {{"aws-region", "us-east-1"}, {"model-type", "chat"}};
  spec.credentials = {{"AWS_SECRET_ACCESS_KEY", "s"}};
  spec.headers = {{"X-A", "1"}};
  proto::WorkloadSpec wire;
  SpecToProto(spec, &wire);
  absl::StatusOr<WorkloadSpec> back = SpecFromProto(wire);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->api, "some-api");
  EXPECT_EQ(back->api_options, spec.api_options);
  EXPECT_EQ(back->credentials, spec.credentials);
  EXPECT_EQ(back->headers, spec.headers);
  wire.clear_api_name();
  EXPECT_FALSE(SpecFromProto(wire).ok());
}

TEST(WireCodecTest, ServerTimingsTravel) {
  IntervalStats s;
  s.server_total.Record(5'000'000);
  s.server_prompt.Add(2'000'000);
  s.server_queue.Add(1'000);
  proto::StatsDelta wire;
  StatsToProto(s, &wire);
  ASSERT_TRUE(ValidateStatsProto(wire).ok());
  IntervalStats out;
  MergeValidatedStats(wire, &out);
  EXPECT_EQ(out.server_total.count(), 1u);
  EXPECT_EQ(out.server_prompt.count, 1u);
  EXPECT_EQ(out.server_prompt.sum_us, 2000u);
  EXPECT_EQ(out.server_queue.sum_us, 1u);
  EXPECT_EQ(out.server_decode.count, 0u);
}

TEST(WireCodecTest, TheOpenLoopAndWarmUpTravel) {
  WorkloadSpec spec;
  spec.url = "http://127.0.0.1:8000/v1/chat/completions";
  spec.prompts = {Prompt{"p", "hello"}};
  spec.open_loop = true;
  spec.rate = 250;
  spec.arrival = "gamma";
  spec.burstiness = 0.5;
  spec.max_concurrency = 16;
  spec.max_queue = 32;
  spec.warmup = absl::Seconds(3);
  spec.warmup_requests = 7;
  proto::WorkloadSpec wire;
  SpecToProto(spec, &wire);
  absl::StatusOr<WorkloadSpec> back = SpecFromProto(wire);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->open_loop);
  EXPECT_EQ(back->rate, 250);
  EXPECT_EQ(back->arrival, "gamma");
  EXPECT_EQ(back->burstiness, 0.5);
  EXPECT_EQ(back->max_concurrency, 16);
  EXPECT_EQ(back->max_queue, 32);
  EXPECT_EQ(back->warmup, absl::Seconds(3));
  EXPECT_EQ(back->warmup_requests, 7);
  wire.set_burstiness(0);  // a gamma shape of 0 is no process at all
  EXPECT_FALSE(SpecFromProto(wire).ok());

  IntervalStats s;
  s.sent = 10;
  s.dropped = 3;
  s.warmup_requests = 2;
  s.send_lateness.Record(40'000);
  s.e2e_uncorrected.Record(9'000'000);
  s.ttft_uncorrected.Record(1'000'000);
  proto::StatsDelta delta;
  StatsToProto(s, &delta);
  ASSERT_TRUE(ValidateStatsProto(delta).ok());
  IntervalStats out;
  MergeValidatedStats(delta, &out);
  EXPECT_EQ(out.sent, 10u);
  EXPECT_EQ(out.dropped, 3u);
  EXPECT_EQ(out.warmup_requests, 2u);
  EXPECT_EQ(out.send_lateness.max_ns(), 40'000);
  EXPECT_EQ(out.e2e_uncorrected.count(), 1u);
  EXPECT_EQ(out.ttft_uncorrected.count(), 1u);
}

TEST(WireCodecTest, ConversationsTravelAndAreCheckedAgain) {
  WorkloadSpec spec;
  spec.url = "http://127.0.0.1:8000/v1/chat/completions";
  spec.prompts = {Prompt{"c1", "Hi"}, Prompt{"c2", "One"}};
  spec.conversations = {
      Conversation{
          .id = "c1",
          .turns = {{.prompt = "Hi", .response = "Hello"}, {.prompt = "Then?", .delay_ms = 1500}}},
      Conversation{.id = "c2", .system = "Be brief.", .turns = {{.prompt = "One"}}}};
  spec.history = HistoryMode::kRecorded;
  spec.turn_delay = absl::Milliseconds(250);
  proto::WorkloadSpec wire;
  SpecToProto(spec, &wire);
  absl::StatusOr<WorkloadSpec> back = SpecFromProto(wire);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->conversations, spec.conversations);
  EXPECT_EQ(back->history, HistoryMode::kRecorded);
  EXPECT_EQ(back->turn_delay, absl::Milliseconds(250));

  // A plain run has neither.
  WorkloadSpec plain;
  plain.url = spec.url;
  plain.prompts = {Prompt{"p", "hello"}};
  SpecToProto(plain, &wire);
  back = SpecFromProto(wire);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->conversations.empty());
  EXPECT_FALSE(back->turn_delay.has_value());

  // What an agent refuses: a conversation per prompt, turns with prompts, delays in range.
  SpecToProto(spec, &wire);
  wire.mutable_conversations(1)->mutable_turns(0)->set_prompt("");
  EXPECT_FALSE(SpecFromProto(wire).ok());
  SpecToProto(spec, &wire);
  wire.mutable_conversations(0)->mutable_turns(1)->set_delay_ms(kMaxTurnDelayMs + 1);
  EXPECT_FALSE(SpecFromProto(wire).ok());
  SpecToProto(spec, &wire);
  wire.add_prompt_ids("extra");
  wire.add_prompt_texts("extra");
  EXPECT_FALSE(SpecFromProto(wire).ok());
  SpecToProto(spec, &wire);
  wire.set_history(7);
  EXPECT_FALSE(SpecFromProto(wire).ok());

  // Each request record carries its turn.
  IntervalStats s;
  s.records.push_back(RequestRecord{.prompt_index = 1, .turn = 4});
  proto::StatsDelta delta;
  StatsToProto(s, &delta);
  std::vector<RequestRecord> records;
  AppendRecordsFromProto(delta, &records);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].turn, 4u);
}

}  // namespace
}  // namespace llmload
