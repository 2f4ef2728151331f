// The `llmload` binary's top-level contract: --version, --help, and exit code 2 for bad flags.
#include <chrono>
#include <string>
#include <vector>

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

// Bad input is refused before anything listens, connects or sends: exit 2 and a message
// naming the flag. Nothing here reaches a server (the URLs are refused while parsing).
TEST(CliTest, BadPortsUrlsAndHeadersExitTwoNamingTheFlag) {
  struct Case {
    std::vector<std::string> args;
    const char* expect;
  } cases[] = {
      {{"master", "--metrics-bind", "off", "--url", "http://127.0.0.1:9/v1", "--model", "m",
        "--bind", "127.0.0.1:99999"},
       "--bind"},
      {{"agent", "--master", "127.0.0.1:99999"}, "--master"},
      {{"agent", "--master", "127.0.0.1:5557", "--metrics-bind", "127.0.0.1:70000"},
       "--metrics-bind"},
      {{"run", "--model", "m", "--metrics-bind", "127.0.0.1:99999", "-n", "1"}, "--metrics-bind"},
      {{"mock", "--port", "99999"}, "--port"},
      {{"mock", "--port", "0", "--itl", "2h"}, "--itl"},
      {{"run", "--metrics-bind", "off", "--url", "http://127.0.0.1:99999", "--model", "m"},
       "--url"},
      {{"run", "--metrics-bind", "off", "--url", "http://127.0.0.1:8000/v1\r\nX-Injected: 1",
        "--model", "m"},
       "--url"},
      {{"run", "--metrics-bind", "off", "--url", "http://127.0.0.1:80 00", "--model", "m"},
       "--url"},
      {{"run", "--metrics-bind", "off", "--model", "m", "--header", "X-A: 1\r\nX-Injected: 2"},
       "--header"},
      {{"run", "--metrics-bind", "off", "--model", "m", "--header", "Authorization: Bearer a",
        "--api-key", "k"},
       "Authorization"},
      {{"run", "--metrics-bind", "off", "--model", "m", "-u", "99999999999999999999"}, "--users"},
      {{"run", "--metrics-bind", "off", "--model", "m", "--stop-timeout", "3000000h"},
       "--stop-timeout"},
      {{"run", "--metrics-bind", "off", "--model", "m", "--think-time", "3000000h"},
       "--think-time"},
      {{"run", "--metrics-bind", "off", "--model", "m", "--request-timeout", "500us"},
       "--request-timeout"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = {LlmloadBinary()};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    Subprocess p(argv);
    EXPECT_EQ(p.Wait(seconds(30)), 2) << c.args[0] << " " << c.expect << ": " << p.Output();
    EXPECT_NE(p.Output().find(c.expect), std::string::npos) << p.Output();
  }
}

}  // namespace
}  // namespace llmload::testing
