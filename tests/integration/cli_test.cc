// The `llmload` binary's top-level contract: --version, --help, and exit code 2 for bad flags.
#include <chrono>

#include "common/version.h"
#include "gtest/gtest.h"
#include "support/subprocess.h"

namespace llmload::testing {
namespace {

using std::chrono::seconds;

TEST(CliTest, VersionPrintsTheProjectVersion) {
  Subprocess p({LlmloadBinary(), "--version"});
  ASSERT_EQ(p.Wait(seconds(30)), 0);
  EXPECT_NE(p.Output().find(std::string("llmload ") + kVersion), std::string::npos);
}

TEST(CliTest, HelpExitsZeroAndListsSubcommands) {
  Subprocess p({LlmloadBinary(), "--help"});
  ASSERT_EQ(p.Wait(seconds(30)), 0);
  EXPECT_NE(p.Output().find("Usage"), std::string::npos) << p.Output();
}

TEST(CliTest, UnknownSubcommandOrFlagExitsTwo) {
  Subprocess a({LlmloadBinary(), "no-such-command"});
  EXPECT_EQ(a.Wait(seconds(30)), 2) << a.Output();
  Subprocess b({LlmloadBinary(), "--no-such-flag"});
  EXPECT_EQ(b.Wait(seconds(30)), 2) << b.Output();
}

}  // namespace
}  // namespace llmload::testing
