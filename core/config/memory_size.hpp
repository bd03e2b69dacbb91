// Checks `vm.memory` up front, so a typo fails at load time with a pointer
// into vmtest.toml instead of as a QEMU error halfway through a run.
#pragma once

#include <string_view>

namespace vmtest::config {

// True for what QEMU's -m accepts as a size: a positive decimal number with
// an optional fraction and an optional one-letter unit (B, K, M, G, T, P, E,
// either case; no unit means MiB), e.g. "4G", "512M", "2048", "1.5G".
bool is_valid_memory_size(std::string_view text);

}  // namespace vmtest::config
