#pragma once

#include <string>

namespace wharf::test_support {

struct CommandResult {
  // The exit code, or -1 when the command could not run or was killed.
  int exit_code = -1;
  // Its standard output (add "2>&1" to the command for stderr too).
  std::string output;
};

// Runs `shell_command` with /bin/sh -c, waits for it and captures stdout.
// For checking results with independent tools (the AWS CLI) in tests.
CommandResult RunCommand(const std::string& shell_command);

// `value` single-quoted for /bin/sh.
std::string ShellQuote(const std::string& value);

}  // namespace wharf::test_support
