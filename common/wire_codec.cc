#include "common/wire_codec.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"

namespace llmload {
namespace {

// Where a wire outcome index is counted: its own class, or "other" for a class a newer agent
// knows and this build does not. An older agent sends fewer classes; those it lacks stay 0.
size_t OutcomeSlot(uint64_t wire_index) {
  return wire_index < static_cast<uint64_t>(kErrorClassCount)
             ? static_cast<size_t>(wire_index)
             : static_cast<size_t>(ErrorClass::kOther);
}

using KeyValues = std::vector<std::pair<std::string, std::string>>;

void AddKeyValues(const KeyValues& pairs,
                  google::protobuf::RepeatedPtrField<proto::KeyValue>* out) {
  for (const auto& [k, v] : pairs) {
    proto::KeyValue* kv = out->Add();
    kv->set_key(k);
    kv->set_value(v);
  }
}

void TokenLengthToProto(const TokenLength& in, proto::TokenLength* out) {
  out->set_kind(static_cast<uint32_t>(in.kind));
  out->set_mean(in.mean);
  out->set_stddev(in.stddev);
  out->set_low(in.low);
  out->set_high(in.high);
}

// Only the shape: ValidateSyntheticDataset judges the lengths.
std::optional<TokenLength> TokenLengthFromProto(const proto::TokenLength& in) {
  if (in.kind() > static_cast<uint32_t>(TokenLength::Kind::kUniform)) return std::nullopt;
  if (!std::isfinite(in.stddev()) || in.stddev() < 0) return std::nullopt;
  TokenLength out;
  out.kind = static_cast<TokenLength::Kind>(in.kind());
  out.mean = in.mean();
  out.stddev = in.stddev();
  out.low = in.low();
  out.high = in.high();
  return out;
}

KeyValues KeyValuesFromProto(const google::protobuf::RepeatedPtrField<proto::KeyValue>& in) {
  KeyValues pairs;
  pairs.reserve(in.size());
  for (const proto::KeyValue& kv : in) pairs.emplace_back(kv.key(), kv.value());
  return pairs;
}

}  // namespace

void SpecToProto(const WorkloadSpec& spec, proto::WorkloadSpec* out) {
  out->Clear();
  out->set_url(spec.url);
  out->set_api_name(spec.api);
  AddKeyValues(spec.api_options, out->mutable_api_options());
  AddKeyValues(spec.credentials, out->mutable_credentials());
  out->set_model(spec.model);
  out->set_has_max_tokens(spec.max_tokens.has_value());
  out->set_max_tokens(spec.max_tokens.value_or(0));
  out->set_has_temperature(spec.temperature.has_value());
  out->set_temperature(spec.temperature.value_or(0));
  AddKeyValues(spec.params, out->mutable_params());
  AddKeyValues(spec.headers, out->mutable_headers());
  out->set_api_key(spec.api_key);
  out->set_stream(spec.stream);
  out->set_include_usage(spec.include_usage);
  out->set_insecure_tls(spec.insecure_tls);
  // A trace's prompts are built by each agent from its stripe of the trace: the master's
  // `prompts` then only name the lines.
  if (spec.trace.empty() && !spec.synthetic) {
    for (const Prompt& p : spec.prompts) {
      out->add_prompt_ids(p.id);
      out->add_prompt_texts(p.text);
    }
  }
  out->set_prompt_order(static_cast<uint32_t>(spec.prompt_order));
  out->set_seed(spec.seed);
  out->set_max_requests(spec.max_requests);
  out->set_think_time_ns(absl::ToInt64Nanoseconds(spec.think_time));
  out->set_connect_timeout_ns(absl::ToInt64Nanoseconds(spec.connect_timeout));
  out->set_request_timeout_ns(absl::ToInt64Nanoseconds(spec.request_timeout));
  out->set_stop_timeout_ns(absl::ToInt64Nanoseconds(spec.stop_timeout));
  for (const Slo& slo : spec.slos) {
    out->add_slo_metrics(static_cast<uint32_t>(slo.metric));
    out->add_slo_limits_ns(absl::ToInt64Nanoseconds(slo.limit));
  }
  out->set_record_requests(spec.record_requests);
  out->set_max_retries(spec.retry.max_retries);
  out->set_retry_on(spec.retry.retry_on);
  out->set_retry_backoff_ns(absl::ToInt64Nanoseconds(spec.retry.backoff));
  out->set_retry_backoff_max_ns(absl::ToInt64Nanoseconds(spec.retry.backoff_max));
  out->set_respect_retry_after(spec.retry.respect_retry_after);
  out->set_max_response_bytes(spec.max_response_bytes);
  out->set_open_loop(spec.open_loop);
  out->set_rate(spec.rate);
  out->set_arrival(spec.arrival);
  out->set_burstiness(spec.burstiness);
  out->set_max_concurrency(spec.max_concurrency);
  out->set_max_queue(spec.max_queue);
  out->set_warmup_ns(absl::ToInt64Nanoseconds(spec.warmup));
  out->set_warmup_requests(spec.warmup_requests);
  for (const TraceRequest& t : spec.trace) {
    proto::TraceLine* line = out->add_trace();
    line->set_offset_ns(t.offset_ns);
    line->set_line(t.line);
    line->set_prompt(t.prompt);
    line->set_input_length(t.input_length);
    for (int64_t id : t.hash_ids) line->add_hash_ids(id);
    line->set_has_output_length(t.output_length.has_value());
    line->set_output_length(t.output_length.value_or(0));
  }
  out->set_trace_speed(spec.trace_speed);
  out->set_trace_loop(spec.trace_loop);
  out->set_trace_block_tokens(spec.trace_block_tokens);
  out->set_trace_name(spec.trace_name);
  for (const Conversation& c : spec.conversations) {
    proto::Conversation* pc = out->add_conversations();
    pc->set_id(c.id);
    pc->set_system(c.system);
    for (const ConversationTurn& t : c.turns) {
      proto::ConversationTurn* pt = pc->add_turns();
      pt->set_prompt(t.prompt);
      pt->set_has_response(t.response.has_value());
      pt->set_response(t.response.value_or(""));
      pt->set_has_delay_ms(t.delay_ms.has_value());
      pt->set_delay_ms(t.delay_ms.value_or(0));
    }
  }
  if (spec.synthetic) {
    proto::SyntheticDataset* s = out->mutable_synthetic();
    TokenLengthToProto(spec.synthetic->input, s->mutable_input());
    if (spec.synthetic->output) TokenLengthToProto(*spec.synthetic->output, s->mutable_output());
    s->set_prefix_tokens(spec.synthetic->prefix_tokens);
    s->set_prefix_groups(spec.synthetic->prefix_groups);
    s->set_num_prompts(spec.synthetic->num_prompts);
  }
  out->set_history(static_cast<uint32_t>(spec.history));
  out->set_has_turn_delay(spec.turn_delay.has_value());
  out->set_turn_delay_ns(absl::ToInt64Nanoseconds(spec.turn_delay.value_or(absl::ZeroDuration())));
}

absl::StatusOr<WorkloadSpec> SpecFromProto(const proto::WorkloadSpec& in) {
  auto bad = [](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("malformed WorkloadSpec: ", what));
  };
  WorkloadSpec spec;
  if (in.url().empty()) return bad("no url");
  spec.url = in.url();
  // The agent's adapter table judges the name and options (an unknown API fails there).
  if (in.api_name().empty()) return bad("no api");
  spec.api = in.api_name();
  spec.api_options = KeyValuesFromProto(in.api_options());
  spec.credentials = KeyValuesFromProto(in.credentials());
  spec.model = in.model();
  if (in.has_max_tokens()) spec.max_tokens = static_cast<int>(in.max_tokens());
  if (in.has_temperature()) spec.temperature = in.temperature();
  spec.params = KeyValuesFromProto(in.params());
  spec.headers = KeyValuesFromProto(in.headers());
  spec.api_key = in.api_key();
  spec.stream = in.stream();
  spec.include_usage = in.include_usage();
  spec.insecure_tls = in.insecure_tls();
  if (in.prompt_ids_size() != in.prompt_texts_size()) return bad("prompt ids and texts differ");
  if (in.prompt_texts_size() == 0 && in.trace_size() == 0 && !in.has_synthetic()) {
    return bad("no prompt");
  }
  for (int i = 0; i < in.prompt_texts_size(); ++i) {
    spec.prompts.push_back(Prompt{in.prompt_ids(i), in.prompt_texts(i)});
  }
  if (in.prompt_order() > static_cast<uint32_t>(PromptOrder::kRandom)) {
    return bad("unknown prompt order");
  }
  spec.prompt_order = static_cast<PromptOrder>(in.prompt_order());
  spec.seed = in.seed();
  if (in.has_synthetic()) {
    const proto::SyntheticDataset& s = in.synthetic();
    std::optional<TokenLength> input = TokenLengthFromProto(s.input());
    std::optional<TokenLength> output = TokenLengthFromProto(s.output());
    if (!input || !output || in.prompt_texts_size() > 0) {
      return bad("a malformed synthetic dataset");
    }
    SyntheticDataset d;
    d.input = *input;
    if (s.has_output()) d.output = *output;
    d.prefix_tokens = s.prefix_tokens();
    d.prefix_groups = s.prefix_groups();
    d.num_prompts = s.num_prompts();
    // Checked again before an agent builds the prompts (and holds them in memory).
    if (absl::Status v = ValidateSyntheticDataset(d); !v.ok()) {
      return bad(absl::StrCat("synthetic dataset: ", v.message()));
    }
    spec.synthetic = d;
    spec.prompts = MakeSyntheticPrompts(d, spec.seed);
  }
  spec.max_requests = in.max_requests();
  spec.think_time = absl::Nanoseconds(in.think_time_ns());
  spec.connect_timeout = absl::Nanoseconds(in.connect_timeout_ns());
  spec.request_timeout = absl::Nanoseconds(in.request_timeout_ns());
  spec.stop_timeout = absl::Nanoseconds(in.stop_timeout_ns());
  if (in.slo_metrics_size() != in.slo_limits_ns_size()) return bad("slo metrics and limits differ");
  for (int i = 0; i < in.slo_metrics_size(); ++i) {
    if (in.slo_metrics(i) > static_cast<uint32_t>(Slo::Metric::kE2e)) return bad("unknown slo");
    spec.slos.push_back(
        Slo{static_cast<Slo::Metric>(in.slo_metrics(i)), absl::Nanoseconds(in.slo_limits_ns(i))});
  }
  spec.record_requests = in.record_requests();
  if (in.max_retries() < 0) return bad("negative max_retries");
  if (in.retry_backoff_ns() < 0 || in.retry_backoff_max_ns() < 0) return bad("negative backoff");
  spec.retry.max_retries = in.max_retries();
  spec.retry.retry_on = in.retry_on();
  spec.retry.backoff = absl::Nanoseconds(in.retry_backoff_ns());
  spec.retry.backoff_max = absl::Nanoseconds(in.retry_backoff_max_ns());
  spec.retry.respect_retry_after = in.respect_retry_after();
  if (in.max_response_bytes() < 0) return bad("negative max_response_bytes");
  if (in.max_response_bytes() > 0) spec.max_response_bytes = in.max_response_bytes();
  spec.open_loop = in.open_loop();
  if (spec.open_loop) {
    // The agent's arrival table judges the name (and the burstiness it needs).
    if (in.arrival().empty()) return bad("open loop without an arrival process");
    if (!(in.rate() >= 0) || !(in.burstiness() > 0)) return bad("bad rate or burstiness");
    if (in.max_concurrency() < 0 || in.max_queue() < 0) return bad("negative concurrency cap");
    spec.rate = in.rate();
    spec.arrival = in.arrival();
    spec.burstiness = in.burstiness();
    spec.max_concurrency = in.max_concurrency();
    spec.max_queue = in.max_queue();
  }
  if (in.warmup_ns() < 0 || in.warmup_requests() < 0) return bad("negative warm-up");
  spec.warmup = absl::Nanoseconds(in.warmup_ns());
  spec.warmup_requests = in.warmup_requests();
  if (in.trace_size() > 0) {
    if (!spec.open_loop) return bad("a trace in a closed loop");
    if (!(in.trace_speed() >= kMinTraceSpeed) || std::isinf(in.trace_speed())) {
      return bad("bad trace speed");
    }
    if (in.trace_block_tokens() < 1) return bad("bad trace block size");
    spec.trace_speed = in.trace_speed();
    spec.trace_loop = in.trace_loop();
    spec.trace_block_tokens = in.trace_block_tokens();
    spec.trace_name = in.trace_name();
    spec.trace.reserve(static_cast<size_t>(in.trace_size()));
    int64_t input_tokens = 0;
    for (const proto::TraceLine& line : in.trace()) {
      // The master's parser checked these; an agent checks them again before it builds a
      // prompt or times a send from them.
      if (line.offset_ns() < 0 || line.offset_ns() > kMaxTraceOffsetNs ||
          (!spec.trace.empty() && line.offset_ns() < spec.trace.back().offset_ns)) {
        return bad("trace offsets not sorted or out of range");
      }
      if (line.input_length() < 0 || line.input_length() > kMaxTraceInputLength ||
          (line.input_length() == 0 && line.prompt().empty())) {
        return bad("a trace line without a prompt");
      }
      input_tokens += line.input_length();
      if (input_tokens > kMaxTraceInputTokens) return bad("a trace of too many input tokens");
      if (line.has_output_length() && line.output_length() < 1) return bad("bad output length");
      TraceRequest t;
      t.offset_ns = line.offset_ns();
      t.line = line.line();
      t.prompt = line.prompt();
      t.input_length = line.input_length();
      for (int64_t id : line.hash_ids()) {
        if (id < 0) return bad("negative hash id");
        t.hash_ids.push_back(id);
      }
      if (line.has_output_length()) t.output_length = line.output_length();
      spec.trace.push_back(std::move(t));
    }
  }
  if (in.conversations_size() > 0) {
    // One conversation per prompt, the prompt its first turn (SpecToProto), checked as the
    // master's parser checked them: an agent keeps each user's history from these.
    if (in.conversations_size() != in.prompt_texts_size())
      return bad("conversations and prompts differ");
    if (spec.open_loop) return bad("conversations in an open loop");
    if (in.history() > static_cast<uint32_t>(HistoryMode::kRecorded)) return bad("unknown history");
    spec.history = static_cast<HistoryMode>(in.history());
    if (in.has_turn_delay()) {
      if (in.turn_delay_ns() < 0) return bad("negative turn delay");
      spec.turn_delay = absl::Nanoseconds(in.turn_delay_ns());
    }
    spec.conversations.reserve(static_cast<size_t>(in.conversations_size()));
    for (const proto::Conversation& pc : in.conversations()) {
      if (pc.turns_size() == 0 || static_cast<size_t>(pc.turns_size()) > kMaxConversationTurns) {
        return bad("a conversation of no turns or too many");
      }
      Conversation c;
      c.id = pc.id();
      c.system = pc.system();
      for (const proto::ConversationTurn& pt : pc.turns()) {
        if (pt.prompt().empty()) return bad("a conversation turn without a prompt");
        if (pt.has_delay_ms() && (pt.delay_ms() < 0 || pt.delay_ms() > kMaxTurnDelayMs)) {
          return bad("a turn delay out of range");
        }
        ConversationTurn t;
        t.prompt = pt.prompt();
        if (pt.has_response()) t.response = pt.response();
        if (pt.has_delay_ms()) t.delay_ms = pt.delay_ms();
        c.turns.push_back(std::move(t));
      }
      spec.conversations.push_back(std::move(c));
    }
  }
  return spec;
}

void StatsToProto(const IntervalStats& s, proto::StatsDelta* out) {
  out->set_start_wall_ns(s.start_wall_ns);
  out->set_end_wall_ns(s.end_wall_ns);
  out->clear_outcomes();
  for (uint64_t n : s.outcomes) out->add_outcomes(n);
  out->set_input_tokens(s.input_tokens);
  out->set_output_tokens(s.output_tokens);
  out->set_tokens_from_usage(s.tokens_from_usage);
  out->set_tokens_from_chunks(s.tokens_from_chunks);
  out->set_slo_met(s.slo_met);
  out->set_last_end_wall_ns(s.last_end_wall_ns);
  out->set_attempts(s.attempts);
  out->clear_retries();
  for (uint64_t n : s.retries) out->add_retries(n);
  s.e2e.ToProto(out->mutable_e2e());
  s.ttft.ToProto(out->mutable_ttft());
  s.itl.ToProto(out->mutable_itl());
  s.tpot.ToProto(out->mutable_tpot());
  s.server_total.ToProto(out->mutable_server_total());
  out->set_server_prompt_count(s.server_prompt.count);
  out->set_server_prompt_sum_us(s.server_prompt.sum_us);
  out->set_server_decode_count(s.server_decode.count);
  out->set_server_decode_sum_us(s.server_decode.sum_us);
  out->set_server_queue_count(s.server_queue.count);
  out->set_server_queue_sum_us(s.server_queue.sum_us);
  out->set_sent(s.sent);
  out->set_dropped(s.dropped);
  s.send_lateness.ToProto(out->mutable_send_lateness());
  s.e2e_uncorrected.ToProto(out->mutable_e2e_uncorrected());
  s.ttft_uncorrected.ToProto(out->mutable_ttft_uncorrected());
  out->set_warmup_requests(s.warmup_requests);
  out->clear_records();
  for (const RequestRecord& r : s.records) {
    proto::RequestRecord* p = out->add_records();
    p->set_start_offset_ns(r.start_offset_ns);
    p->set_status(static_cast<uint32_t>(r.status));
    p->set_http_status(r.http_status);
    p->set_ttft_ns(r.ttft_ns);
    p->set_e2e_ns(r.e2e_ns);
    p->set_itl_mean_ns(r.itl_mean_ns);
    p->set_input_tokens(r.input_tokens);
    p->set_output_tokens(r.output_tokens);
    p->set_prompt_index(r.prompt_index);
    p->set_agent_index(r.agent_index);
    p->set_turn(r.turn);
  }
}

absl::Status ValidateStatsProto(const proto::StatsDelta& in) {
  // Outcome classes this build does not know (from a newer agent) are valid: they are counted
  // as "other" (see OutcomeSlot), so that every request stays in the totals.
  for (const proto::Histogram* h :
       {&in.e2e(), &in.ttft(), &in.itl(), &in.tpot(), &in.server_total(), &in.send_lateness(),
        &in.e2e_uncorrected(), &in.ttft_uncorrected()}) {
    absl::Status st = LatencyHistogram::ValidateProto(*h);
    if (!st.ok()) return st;
  }
  return absl::OkStatus();
}

void MergeValidatedStats(const proto::StatsDelta& in, IntervalStats* out) {
  if (out->start_wall_ns == 0 ||
      (in.start_wall_ns() != 0 && in.start_wall_ns() < out->start_wall_ns)) {
    out->start_wall_ns = in.start_wall_ns();
  }
  out->end_wall_ns = std::max(out->end_wall_ns, in.end_wall_ns());
  for (int i = 0; i < in.outcomes_size(); ++i) out->outcomes[OutcomeSlot(i)] += in.outcomes(i);
  out->input_tokens += in.input_tokens();
  out->output_tokens += in.output_tokens();
  out->tokens_from_usage += in.tokens_from_usage();
  out->tokens_from_chunks += in.tokens_from_chunks();
  out->slo_met += in.slo_met();
  out->last_end_wall_ns = std::max(out->last_end_wall_ns, in.last_end_wall_ns());
  out->attempts += in.attempts();
  for (int i = 0; i < in.retries_size(); ++i) out->retries[OutcomeSlot(i)] += in.retries(i);
  out->e2e.MergeValidatedProto(in.e2e());
  out->ttft.MergeValidatedProto(in.ttft());
  out->itl.MergeValidatedProto(in.itl());
  out->tpot.MergeValidatedProto(in.tpot());
  out->server_total.MergeValidatedProto(in.server_total());
  out->server_prompt.Merge(DurationSum{in.server_prompt_count(), in.server_prompt_sum_us()});
  out->server_decode.Merge(DurationSum{in.server_decode_count(), in.server_decode_sum_us()});
  out->server_queue.Merge(DurationSum{in.server_queue_count(), in.server_queue_sum_us()});
  out->sent += in.sent();
  out->dropped += in.dropped();
  out->send_lateness.MergeValidatedProto(in.send_lateness());
  out->e2e_uncorrected.MergeValidatedProto(in.e2e_uncorrected());
  out->ttft_uncorrected.MergeValidatedProto(in.ttft_uncorrected());
  out->warmup_requests += in.warmup_requests();
}

void AppendRecordsFromProto(const proto::StatsDelta& in, std::vector<RequestRecord>* out) {
  out->reserve(out->size() + in.records_size());
  for (const proto::RequestRecord& p : in.records()) {
    RequestRecord r;
    r.start_offset_ns = p.start_offset_ns();
    r.status = static_cast<ErrorClass>(OutcomeSlot(p.status()));
    r.http_status = p.http_status();
    r.ttft_ns = p.ttft_ns();
    r.e2e_ns = p.e2e_ns();
    r.itl_mean_ns = p.itl_mean_ns();
    r.input_tokens = p.input_tokens();
    r.output_tokens = p.output_tokens();
    r.prompt_index = p.prompt_index();
    r.agent_index = p.agent_index();
    r.turn = p.turn();
    out->push_back(r);
  }
}

absl::Status MergeStatsFromProto(const proto::StatsDelta& in, IntervalStats* out) {
  absl::Status valid = ValidateStatsProto(in);
  if (!valid.ok()) return valid;
  MergeValidatedStats(in, out);
  AppendRecordsFromProto(in, &out->records);
  return absl::OkStatus();
}

uint64_t RequestsInStatsProto(const proto::StatsDelta& in) {
  uint64_t n = 0;
  for (int i = 0; i < in.outcomes_size(); ++i) {
    if (i != static_cast<int>(ErrorClass::kCancelled)) n += in.outcomes(i);
  }
  return n;
}

}  // namespace llmload
