// Text that reaches a terminal, a log line or a file name must not carry
// control characters: a newline in a target name splits the console's
// lines, an escape sequence repaints it, a NUL cuts the name short.
#pragma once

#include <string>
#include <string_view>

namespace vmtest::config {

// True when `text` has a C0 control (U+0000-U+001F, tab and newline
// included), DEL (U+007F) or a C1 control (U+0080-U+009F, as UTF-8).
bool has_control_character(std::string_view text);

// `text` with each such character replaced by '?'.
std::string replace_control_characters(std::string_view text);

}  // namespace vmtest::config
