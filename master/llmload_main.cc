// The `llmload` binary: one executable, one subcommand per role.
#include <csignal>
#include <cstdio>
#include <string>

#include "CLI/CLI.hpp"
#include "agent/agent_command.h"
#include "common/cli_command.h"
#include "common/stop_signals.h"
#include "common/version.h"
#include "master/master_command.h"
#include "master/run_command.h"
#include "mock/mock_command.h"
#include "tokenizer/tokenize_command.h"

int main(int argc, char** argv) {
  // Before any library can start a thread (gRPC does at its first use): every thread
  // inherits the mask, and each command takes the stop signals synchronously where it decides
  // what stopping means.
  llmload::BlockStopSignals();
  // A closed stdout or stderr (`llmload run ... | head`) must not kill a run before its files
  // are written: writes to it fail with EPIPE instead, and the run says so in its exit code.
  // The disposition is process-wide by nature; libcurl and gRPC expect it too.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{
      "llmload: a distributed load tester for LLM inference endpoints "
      "(OpenAI-compatible: vLLM, SGLang, TGI, Ollama, llama.cpp, hosted APIs)."};
  app.set_version_flag("--version", std::string("llmload ") + llmload::kVersion);
  app.require_subcommand(1);
  app.fallthrough(false);

  llmload::CommandAction action;
  for (llmload::AddCommandFn add : std::initializer_list<llmload::AddCommandFn>{
           llmload::master::AddRunCommand,
           llmload::master::AddSweepCommand,
           llmload::master::AddMasterCommand,
           llmload::agent::AddAgentCommand,
           llmload::mock::AddMockCommand,
           llmload::tokenizer::AddTokenizeCommand,
       }) {
    add(app, &action);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message and the usage hint
    return llmload::kExitBadInput;
  }
  if (!action) {
    std::fputs(app.help().c_str(), stderr);
    return llmload::kExitBadInput;
  }
  return action();
}
