#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace vmtest::boot::init {

struct StartedAgent {
    pid_t pid = -1;
    std::string path;
};

// Starts the first candidate that exists in the (new) root, with `args`,
// its stdio on /dev/console and a fixed, minimal environment. Fatal if no
// candidate exists. SIGCHLD must already be blocked (see supervisor.hpp);
// the child unblocks it.
StartedAgent start_agent(const std::vector<std::string>& candidates,
                         const std::vector<std::string>& args);

}  // namespace vmtest::boot::init
