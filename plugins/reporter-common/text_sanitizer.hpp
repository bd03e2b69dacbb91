// Command output made fit for a report: what a terminal would show, in
// characters that both XML 1.0 and YAML can carry.
#pragma once

#include <string>
#include <string_view>

namespace vmtest::report {

// Returns `bytes` as valid UTF-8 that is safe in XML 1.0 text and in YAML:
//   - bytes that are not UTF-8 become U+FFFD, one per maximal invalid
//     subpart (vmtest/sdk/bytes.hpp; output events' `data` already is
//     UTF-8, but a report must not depend on it);
//   - terminal escape sequences (colours, cursor moves) are removed;
//   - "\r\n" becomes "\n", and a lone "\r" (progress bars) "\n";
//   - other control characters, DEL, C1 controls, U+2028/U+2029 (line
//     breaks to some YAML parsers), U+FFFE and U+FFFF become U+FFFD.
// Tab and newline are kept.
std::string sanitize_text(std::string_view bytes);

// sanitize_text() and then newlines and tabs as spaces: for names and
// one-line messages.
std::string sanitize_line(std::string_view bytes);

}  // namespace vmtest::report
