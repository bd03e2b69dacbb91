#pragma once

#include "boot/init_config.hpp"

#include <string>
#include <string_view>

namespace vmtest::boot {

struct InitConfigParseResult {
    bool ok = false;
    // When !ok: one line, e.g. "line 4: unknown directive 'mout'".
    std::string error;
    InitConfig config;
};

// Parses the text render() produces. Compiled into the static guest init,
// so it reports errors by value instead of throwing.
[[nodiscard]] InitConfigParseResult parse_init_config(std::string_view text);

}  // namespace vmtest::boot
