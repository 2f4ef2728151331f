#include "master/output_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "gtest/gtest.h"
#include "support/files.h"
#include "support/subprocess.h"

namespace llmload::master {
namespace {

using testing::MakeTempDir;
using testing::ReadFile;

void WriteFile(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(text.c_str(), f);
  std::fclose(f);
}

// Names in `dir` other than . and ..
int EntriesIn(const std::string& dir) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    (void)e;
    ++n;
  }
  return n;
}

TEST(OutputFileTest, AReportReplacesTheOldFileOnlyWhenClosed) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/r.json";
  WriteFile(path, "old\n");
  auto f = OutputFile::Create(path, "--json-out", OutputFile::Mode::kReplaceWhenDone);
  ASSERT_TRUE(f.ok()) << f.status();
  (*f)->Write("new\n");
  (*f)->Flush();
  EXPECT_EQ(ReadFile(path), "old\n");  // still the earlier report while writing
  EXPECT_EQ(EntriesIn(dir), 2);        // and the temporary file beside it
  ASSERT_TRUE((*f)->Close().ok());
  EXPECT_EQ(ReadFile(path), "new\n");
  EXPECT_EQ(EntriesIn(dir), 1);
}

TEST(OutputFileTest, AReportNeverClosedLeavesTheOldFileAndNoTemporaryFile) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/r.json";
  WriteFile(path, "old\n");
  {
    auto f = OutputFile::Create(path, "--json-out", OutputFile::Mode::kReplaceWhenDone);
    ASSERT_TRUE(f.ok());
    (*f)->Write("half a rep");
  }
  EXPECT_EQ(ReadFile(path), "old\n");
  EXPECT_EQ(EntriesIn(dir), 1);
}

TEST(OutputFileTest, AStreamedFileHasItsRowsOnDiskAfterEachFlush) {
  const std::string path = MakeTempDir() + "/r.csv";
  auto f = OutputFile::Create(path, "--csv-out", OutputFile::Mode::kStreamed);
  ASSERT_TRUE(f.ok());
  (*f)->Write("a,b\n");
  (*f)->Flush();
  EXPECT_EQ(ReadFile(path), "a,b\n");
  (*f)->Write("1,2\n");
  ASSERT_TRUE((*f)->Close().ok());
  EXPECT_EQ(ReadFile(path), "a,b\n1,2\n");
}

TEST(OutputFileTest, AReplacedReportKeepsTheModeOfTheFileItReplaces) {
  const std::string path = MakeTempDir() + "/r.json";
  WriteFile(path, "old\n");
  ASSERT_EQ(chmod(path.c_str(), 0640), 0);
  auto f = OutputFile::Create(path, "--json-out", OutputFile::Mode::kReplaceWhenDone);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Close().ok());
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
}

TEST(OutputFileTest, AWriteErrorIsReportedWithThePathAndTheReason) {
  for (OutputFile::Mode mode : {OutputFile::Mode::kReplaceWhenDone, OutputFile::Mode::kStreamed}) {
    auto f = OutputFile::Create("/dev/full", "--json-out", mode);
    ASSERT_TRUE(f.ok()) << f.status();
    (*f)->Write("{}\n");
    const absl::Status s = (*f)->Close();
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find("--json-out '/dev/full'"), std::string::npos) << s;
    EXPECT_NE(s.message().find("No space left on device"), std::string::npos) << s;
  }
}

TEST(OutputFileTest, ADeviceIsWrittenInPlaceNeverReplaced) {
  // As root a rename onto /dev/null would succeed and replace the device node.
  auto f = OutputFile::Create("/dev/null", "--json-out", OutputFile::Mode::kReplaceWhenDone);
  ASSERT_TRUE(f.ok());
  (*f)->Write("{}\n");
  ASSERT_TRUE((*f)->Close().ok());
  struct stat st;
  ASSERT_EQ(stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST(OutputFileTest, AReportThroughASymlinkReplacesTheFileAndKeepsTheLink) {
  const std::string dir = MakeTempDir();
  WriteFile(dir + "/real.json", "old\n");
  ASSERT_EQ(symlink((dir + "/real.json").c_str(), (dir + "/link.json").c_str()), 0);
  auto f = OutputFile::Create(dir + "/link.json", "--json-out", OutputFile::Mode::kReplaceWhenDone);
  ASSERT_TRUE(f.ok());
  (*f)->Write("new\n");
  ASSERT_TRUE((*f)->Close().ok());
  struct stat st;
  ASSERT_EQ(lstat((dir + "/link.json").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(ReadFile(dir + "/real.json"), "new\n");
}

TEST(CheckOutputPathTest, RefusesDirectoriesAndMissingDirectoriesAndCreatesNothing) {
  const std::string dir = MakeTempDir();
  EXPECT_TRUE(CheckOutputPath(dir + "/r.json", "--json-out").ok());
  EXPECT_EQ(EntriesIn(dir), 0);
  const absl::Status is_dir = CheckOutputPath(dir, "--json-out");
  EXPECT_FALSE(is_dir.ok());
  EXPECT_NE(is_dir.message().find("is a directory"), std::string::npos);
  const absl::Status no_dir = CheckOutputPath(dir + "/missing/r.json", "--csv-out");
  EXPECT_FALSE(no_dir.ok());
  EXPECT_NE(no_dir.message().find("--csv-out"), std::string::npos);
  EXPECT_NE(no_dir.message().find("does not exist"), std::string::npos);
  EXPECT_TRUE(CheckOutputPath("/dev/null", "--json-out").ok());
}

TEST(CheckDistinctOutputPathsTest, RefusesTwoOutputsOnOneFile) {
  const std::string dir = MakeTempDir();
  EXPECT_TRUE(CheckDistinctOutputPaths(
                  {{"--json-out", dir + "/a"}, {"--csv-out", dir + "/b"}, {"--csv-stats", ""}})
                  .ok());
  const absl::Status same =
      CheckDistinctOutputPaths({{"--json-out", dir + "/a"}, {"--csv-out", dir + "/./a"}});
  EXPECT_FALSE(same.ok());
  EXPECT_NE(same.message().find("--json-out"), std::string::npos);
  EXPECT_NE(same.message().find("--csv-out"), std::string::npos);
  WriteFile(dir + "/real", "x");
  ASSERT_EQ(symlink((dir + "/real").c_str(), (dir + "/link").c_str()), 0);
  EXPECT_FALSE(
      CheckDistinctOutputPaths({{"--csv-out", dir + "/real"}, {"--csv-stats", dir + "/link"}})
          .ok());
}

}  // namespace
}  // namespace llmload::master
