// Any text as XML 1.0 character data, whatever bytes it started as.
#pragma once

#include <string>
#include <string_view>

namespace vmtest::reporter_junit {

// Element content: sanitised (see report::sanitize_text), then '&', '<' and
// '>' escaped - the last so that "]]>" never appears either.
std::string xml_text(std::string_view text);

// A double-quoted attribute value: as xml_text(), and also '"' and '\'', and
// tab and newline as character references, which survive the attribute
// value normalisation that would turn them into spaces.
std::string xml_attribute(std::string_view text);

}  // namespace vmtest::reporter_junit
