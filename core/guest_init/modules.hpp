#pragma once

#include <string>
#include <vector>

namespace vmtest::boot::init {

// finit_module() each file in order. Already loaded is fine; any other
// failure is a warning only: the mount that needed the module fails later
// with a clearer message.
void load_modules(const std::vector<std::string>& paths);

}  // namespace vmtest::boot::init
