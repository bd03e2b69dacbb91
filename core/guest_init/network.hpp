#pragma once

#include <string>

namespace vmtest::boot::init {

// Brings up the loopback interface (there is no network manager in the
// guest, and much software assumes 127.0.0.1 works).
void bring_up_loopback();

void set_hostname(const std::string& name);

}  // namespace vmtest::boot::init
