// What runs on this machine, for tests that check a run left nothing
// behind. Shared by the unit and the end-to-end tests.
#pragma once

#include <string>
#include <vector>

namespace vmtest::test_support {

// Any process (zombies aside) whose command line mentions `needle`, as
// "pid: command line" (arguments joined by spaces) for failure messages.
std::vector<std::string> processes_mentioning(const std::string& needle);

}  // namespace vmtest::test_support
