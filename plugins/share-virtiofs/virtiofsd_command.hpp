// The command line of one virtiofsd serving one export.
#pragma once

#include <string>
#include <vector>

#include "virtiofsd_locator.hpp"

namespace vmtest::virtiofs {

// argv for `daemon` serving the directory `source` on the vhost-user socket
// that is already listening on file descriptor `fd` (inherited).
std::vector<std::string> virtiofsd_argv(const Virtiofsd& daemon, int fd,
                                        const std::string& source);

// `value` made safe inside a C virtiofsd `-o a=b,c=d` list, whose parser
// splits at commas and takes a backslash as an escape.
std::string escaped_option_value(const std::string& value);

}  // namespace vmtest::virtiofs
