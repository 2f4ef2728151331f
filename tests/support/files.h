// Reading the files a test's child processes wrote (reports, CSVs).
#ifndef LLMLOAD_TESTS_SUPPORT_FILES_H_
#define LLMLOAD_TESTS_SUPPORT_FILES_H_

#include <string>

#include "nlohmann/json.hpp"

namespace llmload::testing {

// The whole file, or "" when it cannot be read.
std::string ReadFile(const std::string& path);
// The file parsed as JSON; a discarded value (is_discarded()) when it is not JSON.
nlohmann::json ReadJson(const std::string& path);

}  // namespace llmload::testing

#endif  // LLMLOAD_TESTS_SUPPORT_FILES_H_
