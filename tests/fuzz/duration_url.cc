// Fuzzes the parsers of command-line text that take no file: durations (common/duration.h),
// token-length distributions (common/token_length.h: a parsed range draws inside itself) and
// the endpoint URL (ResolveEndpointUrl, api/openai_request.h), both given the whole
// input. Neither may crash; a parsed duration is non-negative; an error names the flag; a
// resolved URL keeps the input's scheme and host, and resolving it again changes nothing
// (when it holds no whitespace, which resolving strips).
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "api/openai_request.h"
#include "common/duration.h"
#include "common/token_length.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);

  absl::StatusOr<absl::Duration> duration = llmload::ParseDuration(text, "--fuzz");
  if (duration.ok()) {
    FUZZ_CHECK(*duration >= absl::ZeroDuration());
  } else {
    FUZZ_CHECK(absl::StartsWith(duration.status().message(), "--fuzz: "));
  }

  absl::StatusOr<llmload::TokenLength> length =
      llmload::ParseTokenLength("--fuzz", 0, 0, text, 1'000'000);
  if (length.ok()) {
    FUZZ_CHECK(length->low >= 1 && length->low <= length->high && length->high <= 1'000'000);
    llmload::SplitMix64Generator gen(size);
    const int64_t n = length->Draw(gen, 1, 1'000'000);
    FUZZ_CHECK(n >= length->low && n <= length->high);
  } else {
    // An empty text is no distribution: the fixed length (0) is refused under the flag.
    FUZZ_CHECK(absl::StartsWith(length.status().message(), "--fuzz-dist: ") ||
               (text.empty() && absl::StartsWith(length.status().message(), "--fuzz: ")));
  }

  for (llmload::OpenAiApi api : {llmload::OpenAiApi::kChat, llmload::OpenAiApi::kCompletions}) {
    absl::StatusOr<std::string> url = llmload::ResolveEndpointUrl(text, api);
    if (!url.ok()) continue;
    const absl::string_view resolved = *url;
    const size_t scheme_end = resolved.find("://");
    FUZZ_CHECK(absl::StartsWithIgnoreCase(resolved, "http://") ||
               absl::StartsWithIgnoreCase(resolved, "https://"));
    // The host is there, and the scheme and host are the input's.
    const size_t host_end = resolved.find_first_of("/?#", scheme_end + 3);
    FUZZ_CHECK(host_end > scheme_end + 3);
    FUZZ_CHECK(absl::StrContains(text, resolved.substr(0, host_end)));
    // Resolving strips surrounding whitespace, so only a URL without any is a fixed point.
    if (resolved.find_first_of(" \t\n\v\f\r") == absl::string_view::npos) {
      absl::StatusOr<std::string> again = llmload::ResolveEndpointUrl(resolved, api);
      FUZZ_CHECK(again.ok() && *again == resolved);
    }
  }
  return 0;
}
