#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vmtest::boot {

// One field of an init.conf line. Bytes below 0x21 (space, newline, control
// characters) and '%' become "%XX" (uppercase hex), so a field never
// contains a separator; every other byte is kept as is. An empty value is
// written as "-" (and a value that is exactly "-" as "%2D"), so a line never
// has two separators in a row. Shared by the host writer and the guest init,
// so it avoids exceptions and iostreams.
[[nodiscard]] std::string percent_encode(std::string_view value);

// The inverse; nullopt for a malformed escape ("%", "%4", "%zz").
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view field);

}  // namespace vmtest::boot
