// The shell script that starts a command in the guest with its argv,
// environment and working directory byte for byte. Why a script, and how it
// travels, is described at the top of qga_runner.cpp.
#pragma once

#include <string>
#include <string_view>

#include "vmtest/sdk/types.hpp"

namespace vmtest::runner_qga {

// Where the script sends the command's stdout and stderr (guest paths).
struct OutputPaths {
    std::string stdout_path;
    std::string stderr_path;
};

// `bytes` as one shell word that stands for exactly those bytes: single
// quotes, with each ' written as '\''. Any byte but NUL survives.
std::string shell_quote(std::string_view bytes);

// A POSIX sh script, to be read from stdin by `sh -s`, that points stdin at
// /dev/null and stdout/stderr at `paths`, changes to command.cwd ("/" when
// empty; exit 127 if it cannot), and replaces itself with command.argv in
// exactly command.env (through `env -i`; the shell's own environment when
// command.env is empty). Environment entries without a name ("no-equals",
// "=x") cannot be passed on and are left out. Throws sdk::Error for an
// empty argv, or an argv[0] that begins with '-' or contains '=' (env(1)
// would take it for an option or an assignment).
std::string command_script(const sdk::Command& command, const OutputPaths& paths);

}  // namespace vmtest::runner_qga
