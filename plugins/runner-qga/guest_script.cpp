#include "guest_script.hpp"

#include "vmtest/sdk/plugin.hpp"

namespace vmtest::runner_qga {

std::string shell_quote(std::string_view bytes) {
    std::string word = "'";
    for (const char c : bytes) {
        if (c == '\'') {
            word += "'\\''";
        } else {
            word += c;
        }
    }
    word += '\'';
    return word;
}

std::string command_script(const sdk::Command& command, const OutputPaths& paths) {
    if (command.argv.empty()) {
        throw sdk::Error("runner qga: empty command");
    }
    const std::string& program = command.argv.front();
    if (program.empty() || program.front() == '-' || program.find('=') != std::string::npos) {
        throw sdk::Error("runner qga: cannot run a program named '" + program +
                         "' (empty, starting with '-' or containing '=')");
    }
    // One brace group: the shell reads all of it before running any of it,
    // so redirecting stdin (where the script comes from) cannot cut it short.
    std::string script = "{\n";
    script += "exec </dev/null >" + shell_quote(paths.stdout_path) + " 2>" +
              shell_quote(paths.stderr_path) + "\n";
    script += "cd -- " + shell_quote(command.cwd.empty() ? "/" : command.cwd) + " || exit 127\n";
    script += "exec";
    // An empty list means "not given": keep the shell's environment.
    if (!command.env.empty()) {
        script += " env -i --";
        for (const auto& entry : command.env) {
            const auto equals = entry.find('=');
            if (equals != std::string::npos && equals > 0) {
                script += ' ' + shell_quote(entry);
            }
        }
    }
    for (const auto& word : command.argv) {
        script += ' ' + shell_quote(word);
    }
    script += "\n}\n";
    return script;
}

}  // namespace vmtest::runner_qga
