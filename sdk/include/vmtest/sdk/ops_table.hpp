// Reading an entry of a plugin's ops table under the ABI's one rule: an
// entry beyond the table's struct_size (an older, shorter table) is NULL,
// and NULL means "not provided" (plugin.h).
#pragma once

#include <cstddef>

namespace vmtest::plugin_host {

// Whether `ops` is long enough to hold `member` at all.
template <typename Ops, typename Function> bool holds(const Ops& ops, Function Ops::*member) {
    const auto offset = reinterpret_cast<std::size_t>(&(static_cast<const Ops*>(nullptr)->*member));
    return offset + sizeof(Function) <= ops.struct_size;
}

// The function at `member`, or null when the table ends before it or leaves it NULL.
template <typename Ops, typename Function> Function entry(const Ops& ops, Function Ops::*member) {
    return holds(ops, member) ? ops.*member : nullptr;
}

} // namespace vmtest::plugin_host
