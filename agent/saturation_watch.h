// SaturationWatch: tells when the load engine itself is the bottleneck. A saturated event
// loop reads token chunks late, and the latencies it reports then include its own queue
// (docs/benchmarks.md measured +0.7 s of "TTFT" at 10,000 users on one core) — numbers that
// describe llmload, not the server. Sampled about once a second with the engine's cumulative
// busy time (time not spent waiting in epoll); it says so once when the engine has been
// busier than 90% for three samples in a row, and again only after it has recovered.
#ifndef LLMLOAD_AGENT_SATURATION_WATCH_H_
#define LLMLOAD_AGENT_SATURATION_WATCH_H_

#include <cstdint>
#include <optional>

namespace llmload::agent {

class SaturationWatch {
 public:
  static constexpr double kBusyLimit = 0.90;
  static constexpr int kSamplesInARow = 3;

  // `busy_ns`: cumulative busy time of all `threads` engine threads; `now_ns`: monotonic.
  // Returns the busy share (0..1) over the latest sample when the engine has just become
  // saturated, else nullopt.
  std::optional<double> Sample(int64_t busy_ns, int64_t now_ns, int threads);
  // Whether the latest samples say saturated.
  bool saturated() const { return saturated_; }
  // The busy share (0..1, unclamped) between the two latest samples; nullopt before two.
  std::optional<double> busy_share() const { return busy_share_; }

 private:
  std::optional<double> busy_share_;
  int64_t last_busy_ns_ = -1;
  int64_t last_now_ns_ = 0;
  int busy_in_a_row_ = 0;
  bool saturated_ = false;
};

}  // namespace llmload::agent

#endif  // LLMLOAD_AGENT_SATURATION_WATCH_H_
