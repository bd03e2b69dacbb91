#pragma once

// The command line as the tests give it: parse_cli on "vmtest" + args.

#include <initializer_list>
#include <string>
#include <vector>

#include "config/cli_options.hpp"

namespace vmtest::config::testing {

inline CliOptions parse(std::initializer_list<const char*> args) {
    std::vector<const char*> argv{"vmtest"};
    argv.insert(argv.end(), args.begin(), args.end());
    return parse_cli(static_cast<int>(argv.size()), argv.data());
}

// The UsageError's one line, or "<no error>" when the arguments parse.
inline std::string usage_error_of(std::initializer_list<const char*> args) {
    try {
        parse(args);
    } catch (const UsageError& error) {
        return error.what();
    }
    return "<no error>";
}

}  // namespace vmtest::config::testing
