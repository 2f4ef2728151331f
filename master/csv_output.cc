#include "master/csv_output.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace llmload::master {
namespace {

// A field as RFC 4180 wants it: quoted (inner quotes doubled) when it holds a comma, a quote
// or a line break. Prompt ids come from user datasets and may hold any of them.
std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

// Seconds with microsecond precision, or empty when the value is unknown (negative).
std::string Seconds(int64_t ns) {
  if (ns < 0) return "";
  return absl::StrFormat("%.6f", static_cast<double>(ns) * 1e-9);
}

std::string Ms(const LatencyStats& l, double q) {
  return l.count ? absl::StrFormat("%.3f", l.p(q) * 1000) : "";
}

}  // namespace

absl::StatusOr<RequestCsvWriter> RequestCsvWriter::Open(const std::string& path,
                                                        const std::vector<Prompt>* prompts) {
  auto f = OutputFile::Create(path, "--csv-out", OutputFile::Mode::kStreamed);
  if (!f.ok()) return f.status();
  RequestCsvWriter w;
  w.file_ = std::move(*f);
  w.prompts_ = prompts;
  w.file_->Write(
      "start_offset_s,status,error_class,http_status,ttft_s,e2e_s,itl_mean_s,input_tokens,"
      "output_tokens,prompt_id,agent,turn\n");
  return w;
}

void RequestCsvWriter::Append(const std::vector<RequestRecord>& records) {
  std::string rows;
  for (const RequestRecord& r : records) {
    const bool ok = r.status == ErrorClass::kSuccess;
    const char* status = ok ? "ok" : (r.status == ErrorClass::kCancelled ? "cancelled" : "error");
    const std::string prompt_id =
        CsvField((prompts_ && r.prompt_index < prompts_->size()) ? (*prompts_)[r.prompt_index].id
                                                                 : absl::StrCat(r.prompt_index));
    absl::StrAppendFormat(&rows, "%s,%s,%s,%d,%s,%s,%s,%d,%d,%s,%d,%d\n",
                          Seconds(r.start_offset_ns), status, ok ? "" : ErrorClassName(r.status),
                          r.http_status, Seconds(r.ttft_ns), Seconds(r.e2e_ns),
                          Seconds(r.itl_mean_ns), r.input_tokens, r.output_tokens, prompt_id,
                          r.agent_index, r.turn + 1);
  }
  file_->Write(rows);
}

absl::StatusOr<StatsCsvWriter> StatsCsvWriter::Open(const std::string& path) {
  auto f = OutputFile::Create(path, "--csv-stats", OutputFile::Mode::kStreamed);
  if (!f.ok()) return f.status();
  StatsCsvWriter w;
  w.file_ = std::move(*f);
  w.file_->Write(
      "timestamp,elapsed_s,users,target_users,requests_total,succeeded_total,failed_total,"
      "current_qps,current_rpm,current_output_tokens_per_s,ttft_p50_ms,ttft_p90_ms,ttft_p99_ms,"
      "latency_p50_ms,latency_p90_ms,latency_p99_ms,itl_p50_ms,itl_p99_ms,tpot_p50_ms,"
      "tpot_p99_ms\n");
  return w;
}

void StatsCsvWriter::Append(const LiveSnapshot& s) {
  file_->Write(absl::StrFormat(
      "%.3f,%.3f,%d,%d,%d,%d,%d,%.3f,%.1f,%.1f,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n",
      static_cast<double>(s.wall_ns) * 1e-9, s.elapsed_s, s.users, s.target_users, s.requests,
      s.succeeded, s.failed, s.qps, s.rpm, s.output_tokens_per_s, Ms(s.ttft, 0.5), Ms(s.ttft, 0.9),
      Ms(s.ttft, 0.99), Ms(s.latency, 0.5), Ms(s.latency, 0.9), Ms(s.latency, 0.99), Ms(s.itl, 0.5),
      Ms(s.itl, 0.99), Ms(s.tpot, 0.5), Ms(s.tpot, 0.99)));
}

}  // namespace llmload::master
