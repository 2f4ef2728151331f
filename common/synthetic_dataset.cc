#include "common/synthetic_dataset.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/splitmix64.h"
#include "common/synthetic_prompt.h"

namespace llmload {
namespace {

// Streams of the seed: one for lengths, one per prefix group and one per prompt's own text, so
// that changing one parameter does not shift the others' draws.
constexpr uint64_t kLengthStream = 0x4c454e47544853ULL;  // "LENGTHS"
constexpr uint64_t kPrefixStream = 0x505245464958ULL;    // "PREFIX"
constexpr uint64_t kTextStream = 0x54455854ULL;          // "TEXT"

}  // namespace

absl::Status ValidateSyntheticDataset(const SyntheticDataset& d) {
  auto bad = [](auto... parts) { return absl::InvalidArgumentError(absl::StrCat(parts...)); };
  if (d.num_prompts < 1 || d.num_prompts > kMaxSyntheticPrompts) {
    return bad("--num-prompts: must be 1..", kMaxSyntheticPrompts, ", got ", d.num_prompts);
  }
  if (d.prefix_tokens < 0 || d.prefix_tokens >= kMaxSyntheticPromptTokens) {
    return bad("--prefix-tokens: must be 0..", kMaxSyntheticPromptTokens - 1, ", got ",
               d.prefix_tokens);
  }
  if (d.prefix_groups < 1 || d.prefix_groups > d.num_prompts) {
    return bad("--prefix-groups: must be 1..--num-prompts (", d.num_prompts, "), got ",
               d.prefix_groups);
  }
  const TokenLength& in = d.input;
  const int64_t in_max = in.kind == TokenLength::Kind::kUniform ? in.high : in.mean;
  if (in_max < 1 || in_max > kMaxSyntheticPromptTokens ||
      (in.kind == TokenLength::Kind::kUniform && in.low < 1)) {
    return bad("--input-tokens: must be 1..", kMaxSyntheticPromptTokens);
  }
  if (d.prefix_tokens > 0 && d.prefix_tokens >= in_max) {
    return bad("--prefix-tokens (", d.prefix_tokens,
               ") must be below the prompt length (--input-tokens ", in.ToString(), ")");
  }
  // The bound on memory holds whatever the draws: every prompt at its longest.
  const double longest =
      static_cast<double>(std::clamp(in.upper(), d.prefix_tokens + 1, kMaxSyntheticPromptTokens));
  const double total = longest * static_cast<double>(d.num_prompts);
  if (total > static_cast<double>(kMaxSyntheticTotalTokens)) {
    return bad("--num-prompts ", d.num_prompts, " of --input-tokens ", in.ToString(),
               " is more than ", kMaxSyntheticTotalTokens,
               " tokens of prompts in all, at their longest; ask for fewer prompts (they are "
               "sent in turn) or a narrower spread");
  }
  if (d.output) {
    const TokenLength& out = *d.output;
    const int64_t out_max = out.kind == TokenLength::Kind::kUniform ? out.high : out.mean;
    if (out_max < 1 || out_max > kMaxSyntheticOutputTokens) {
      return bad("--output-tokens: must be 1..", kMaxSyntheticOutputTokens);
    }
  }
  return absl::OkStatus();
}

std::vector<Prompt> MakeSyntheticPrompts(const SyntheticDataset& d, uint64_t seed) {
  SplitMix64Generator lengths(SplitMix64(seed ^ kLengthStream));
  std::vector<std::string> prefixes;
  if (d.prefix_tokens > 0) {
    prefixes.reserve(static_cast<size_t>(d.prefix_groups));
    for (int64_t g = 0; g < d.prefix_groups; ++g) {
      prefixes.push_back(SyntheticPrompt(
          d.prefix_tokens, {}, 0, SplitMix64(seed ^ kPrefixStream) + static_cast<uint64_t>(g)));
    }
  }
  std::vector<Prompt> prompts;
  prompts.reserve(static_cast<size_t>(d.num_prompts));
  for (int64_t i = 0; i < d.num_prompts; ++i) {
    const int64_t tokens = d.input.Draw(lengths, d.prefix_tokens + 1, kMaxSyntheticPromptTokens);
    Prompt& p = prompts.emplace_back();
    p.id = absl::StrCat("synthetic-", i + 1);
    const uint64_t salt = SplitMix64(seed ^ kTextStream) + static_cast<uint64_t>(i);
    if (d.prefix_tokens > 0) {
      p.text = prefixes[static_cast<size_t>(i % d.prefix_groups)];
      p.text += ' ';
      p.text += SyntheticPrompt(tokens - d.prefix_tokens, {}, 0, salt);
    } else {
      p.text = SyntheticPrompt(tokens, {}, 0, salt);
    }
    if (d.output) p.max_tokens = d.output->Draw(lengths, 1, kMaxSyntheticOutputTokens);
  }
  return prompts;
}

}  // namespace llmload
