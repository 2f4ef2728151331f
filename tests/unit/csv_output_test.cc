#include "master/csv_output.h"

#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "support/files.h"
#include "support/subprocess.h"

namespace llmload::master {
namespace {

TEST(RequestCsvWriterTest, QuotesPromptIdsThatHoldCommasOrQuotes) {
  const std::string dir = testing::MakeTempDir();
  const std::string path = dir + "/requests.csv";
  const std::vector<Prompt> prompts = {{"plain", "a"}, {"doc \"7\", part 2", "b"}};
  absl::StatusOr<RequestCsvWriter> w = RequestCsvWriter::Open(path, &prompts);
  ASSERT_TRUE(w.ok()) << w.status();
  RequestRecord ok;
  ok.status = ErrorClass::kSuccess;
  ok.http_status = 200;
  ok.prompt_index = 1;
  RequestRecord failed;
  failed.status = ErrorClass::kHttp5xx;
  failed.http_status = 503;
  failed.prompt_index = 0;
  failed.turn = 2;  // written from 1
  w->Append({ok, failed});
  w->Flush();
  const std::string csv = testing::ReadFile(path);
  EXPECT_NE(csv.find(",\"doc \"\"7\"\", part 2\",0,1\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",error,http_5xx,503,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",plain,0,3\n"), std::string::npos) << csv;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace llmload::master
