#include "support/proc_status.h"

#include <fstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace llmload::testing {

int64_t PeakRssKiB(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view v = line;
    if (absl::ConsumePrefix(&v, "VmHWM:")) {
      v = absl::StripSuffix(absl::StripAsciiWhitespace(v), " kB");
      int64_t kib = 0;
      return absl::SimpleAtoi(v, &kib) ? kib : 0;
    }
  }
  return 0;
}

}  // namespace llmload::testing
