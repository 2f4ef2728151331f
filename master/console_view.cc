#include "master/console_view.h"

#include <algorithm>

#include "absl/strings/str_format.h"

namespace llmload::master {
namespace {

std::string Ms(const LatencyStats& l, double q) {
  if (l.count == 0) return "-";
  return absl::StrFormat("%.1f", l.p(q) * 1000);
}

std::string Clock(const LiveSnapshot& s) {
  if (s.planned_s > 0) {
    return absl::StrFormat("%6.1fs / %.0fs, %.0fs left", s.elapsed_s, s.planned_s,
                           std::max(0.0, s.planned_s - s.elapsed_s));
  }
  return absl::StrFormat("%6.1fs", s.elapsed_s);
}

// What the load is: users in a closed loop; the rate, what is in flight and what was dropped
// in an open loop; and the stage of --stages.
std::string Load(const LiveSnapshot& s) {
  std::string out = s.open_loop ? absl::StrFormat("rate %.4g/s in flight %d sent %d dropped %d",
                                                  s.target_rate, s.users, s.sent, s.dropped)
                                : absl::StrFormat("users %d/%d", s.users, s.target_users);
  if (s.stage >= 0) absl::StrAppendFormat(&out, " stage %d", s.stage);
  if (s.sweep_step >= 0)
    absl::StrAppendFormat(&out, " sweep step %d (%s)", s.sweep_step, s.sweep_kind);
  return out;
}

}  // namespace

std::string ConsoleView::FormatLine(const LiveSnapshot& s) {
  return absl::StrFormat(
      "[%s] %s %s | req %d fail %d | qps %.1f rpm %.0f | ttft p50 %s p99 %s ms | "
      "latency p50 %s p99 %s ms | out tok/s %.0f",
      Clock(s), s.phase, Load(s), s.requests, s.failed, s.qps, s.rpm, Ms(s.ttft, 0.5),
      Ms(s.ttft, 0.99), Ms(s.latency, 0.5), Ms(s.latency, 0.99), s.output_tokens_per_s);
}

std::string ConsoleView::FormatTable(const LiveSnapshot& s) {
  std::string out;
  absl::StrAppendFormat(&out, "llmload  %s  %s  %s  agents %d\n", Clock(s), s.phase, Load(s),
                        s.agents);
  absl::StrAppendFormat(&out, "requests %d  ok %d  failed %d (last window: %d)\n", s.requests,
                        s.succeeded, s.failed, s.window_failures);
  absl::StrAppendFormat(&out, "now      %.1f req/s  %.0f req/min  %.0f output tok/s\n", s.qps,
                        s.rpm, s.output_tokens_per_s);
  absl::StrAppendFormat(&out, "%-8s %9s %9s %9s %9s\n", "ms", "p50", "p90", "p99", "max");
  auto row = [&out](const char* name, const LatencyStats& l) {
    absl::StrAppendFormat(&out, "%-8s %9s %9s %9s %9s\n", name, Ms(l, 0.5), Ms(l, 0.9), Ms(l, 0.99),
                          l.count ? absl::StrFormat("%.1f", l.max * 1000) : "-");
  };
  row("ttft", s.ttft);
  row("latency", s.latency);
  row("itl", s.itl);
  row("tpot", s.tpot);
  if (s.open_loop) row("late", s.send_lateness);  // actual minus scheduled send
  return out;
}

void ConsoleView::Show(const LiveSnapshot& snap) {
  if (!tty_) {
    absl::FPrintF(out_, "%s\n", FormatLine(snap));
    std::fflush(out_);
    return;
  }
  const std::string table = FormatTable(snap);
  if (drawn_lines_ > 0) absl::FPrintF(out_, "\x1b[%dA\x1b[J", drawn_lines_);
  std::fputs(table.c_str(), out_);
  std::fflush(out_);
  drawn_lines_ = static_cast<int>(std::count(table.begin(), table.end(), '\n'));
}

void ConsoleView::Note(const std::string& message) {
  if (tty_ && drawn_lines_ > 0) {
    absl::FPrintF(out_, "\x1b[%dA\x1b[J", drawn_lines_);
    drawn_lines_ = 0;
  }
  absl::FPrintF(out_, "%s\n", message);
  std::fflush(out_);
}

}  // namespace llmload::master
