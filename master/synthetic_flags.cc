#include "master/synthetic_flags.h"

#include <algorithm>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/synthetic_dataset.h"
#include "common/token_length.h"
#include "master/workload_flags.h"

namespace llmload::master {

void AddSyntheticFlags(CLI::App& app, SyntheticFlags& f) {
  const char* group = "Synthetic prompts";
  app.add_option("--input-tokens", f.input_tokens,
                 "Send synthetic prompts of this many tokens (docs/prompts.md) in place of a "
                 "dataset")
      ->check(CLI::Range(int64_t{1}, kMaxSyntheticPromptTokens))
      ->group(group);
  app.add_option("--input-tokens-stddev", f.input_stddev,
                 "Spread the prompt lengths normally around --input-tokens")
      ->group(group);
  app.add_option("--input-tokens-dist", f.input_dist,
                 "Prompt lengths drawn from uniform:A,B (in place of --input-tokens)")
      ->group(group);
  app.add_option("--output-tokens", f.output_tokens,
                 "With synthetic prompts: each request's max_tokens (with --ignore-eos, what "
                 "the server generates)")
      ->check(CLI::Range(int64_t{1}, kMaxSyntheticOutputTokens))
      ->group(group);
  app.add_option("--output-tokens-stddev", f.output_stddev,
                 "Spread the output lengths normally around --output-tokens")
      ->group(group);
  app.add_option("--output-tokens-dist", f.output_dist,
                 "Output lengths drawn from uniform:A,B (in place of --output-tokens)")
      ->group(group);
  app.add_option("--prefix-tokens", f.prefix_tokens,
                 "Each synthetic prompt starts with one of --prefix-groups shared prefixes of "
                 "this many tokens (prefix caching)")
      ->check(CLI::Range(int64_t{0}, kMaxSyntheticPromptTokens))
      ->group(group);
  app.add_option("--prefix-groups", f.prefix_groups, "How many shared prefixes")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, kMaxSyntheticPrompts))
      ->group(group);
  app.add_option("--num-prompts", f.num_prompts,
                 "How many synthetic prompts to make; with --dataset, how many of its prompts "
                 "to use (the first N, or N at random with --shuffle)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, kMaxSyntheticPrompts))
      ->group(group)
      ->each([&f](const std::string&) { f.num_prompts_given = true; });
  app.add_flag("--ignore-eos", f.ignore_eos,
               "Ask the server to generate max_tokens tokens whatever it would stop at "
               "(ignore_eos: vLLM, SGLang)")
      ->group(group);
}

absl::Status ApplySyntheticFlags(const WorkloadFlags& f, WorkloadSpec& spec) {
  auto bad = [](auto... parts) { return absl::InvalidArgumentError(absl::StrCat(parts...)); };
  const SyntheticFlags& s = f.synthetic;
  if (s.ignore_eos) {
    if (!absl::StartsWith(spec.api, "openai-")) {
      return bad("--ignore-eos: --api ", spec.api,
                 " has no ignore_eos field (vLLM and SGLang's "
                 "OpenAI-compatible APIs have it); set the API's own field with --param");
    }
    const bool named = std::any_of(spec.params.begin(), spec.params.end(),
                                   [](const auto& p) { return p.first == "ignore_eos"; });
    if (!named) spec.params.emplace_back("ignore_eos", "true");  // a --param still wins
  }
  if (!s.given()) {
    constexpr absl::string_view kSynthetic = ": only with synthetic prompts (--input-tokens N)";
    const struct {
      bool given;
      absl::string_view flag;
      absl::string_view otherwise;  // what to do instead, for other prompts
    } refused[] = {
        {s.output_tokens > 0 || !s.output_dist.empty(), "--output-tokens",
         "; for other prompts, --max-tokens sets the output length"},
        {s.input_stddev != 0, "--input-tokens-stddev", ""},
        {s.prefix_tokens > 0, "--prefix-tokens", ""},
        {s.prefix_groups != 1, "--prefix-groups", ""},
        {s.num_prompts_given && f.dataset.empty(), "--num-prompts",
         " or a --dataset (it takes that many of the dataset's prompts)"},
    };
    for (const auto& r : refused) {
      if (r.given) return bad(r.flag, kSynthetic, r.otherwise);
    }
    return absl::OkStatus();
  }
  for (const auto& [given, flag] :
       {std::pair{!f.prompt.empty(), "--prompt"}, std::pair{!f.dataset.empty(), "--dataset"},
        std::pair{!f.trace.path.empty(), "--trace"},
        std::pair{f.conversation.multi_turn, "--multi-turn"},
        std::pair{f.min_prompt_chars > 0, "--min-prompt-chars"},
        std::pair{f.max_prompt_chars > 0, "--max-prompt-chars"}}) {
    if (given) return bad(flag, ": not with --input-tokens (the prompts are synthetic)");
  }
  absl::StatusOr<TokenLength> input = ParseTokenLength(
      "--input-tokens", s.input_tokens, s.input_stddev, s.input_dist, kMaxSyntheticPromptTokens);
  if (!input.ok()) return input.status();
  SyntheticDataset d;
  d.input = *input;
  if (s.output_tokens > 0 || !s.output_dist.empty() || s.output_stddev != 0) {
    if (spec.max_tokens) {
      return bad(
          "--output-tokens and --max-tokens: --output-tokens sets each prompt's "
          "max_tokens; give one of them");
    }
    absl::StatusOr<TokenLength> output =
        ParseTokenLength("--output-tokens", s.output_tokens, s.output_stddev, s.output_dist,
                         kMaxSyntheticOutputTokens);
    if (!output.ok()) return output.status();
    d.output = *output;
  }
  d.prefix_tokens = s.prefix_tokens;
  d.prefix_groups = s.prefix_groups;
  d.num_prompts = s.num_prompts;
  if (absl::Status v = ValidateSyntheticDataset(d); !v.ok()) return v;
  spec.synthetic = d;
  spec.prompts = MakeSyntheticPrompts(d, spec.seed);
  return absl::OkStatus();
}

}  // namespace llmload::master
