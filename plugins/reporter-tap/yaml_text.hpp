// YAML scalars for TAP's diagnostic blocks, in the subset that real YAML
// parsers and TAP::Parser's YAMLish reader (what `prove` uses) agree on.
// YAMLish only knows plain and quoted one-line scalars and '|' blocks
// without an indentation indicator, and ends a block at the first line
// less indented than the block's first line.
#pragma once

#include <string>
#include <string_view>

namespace vmtest::reporter_tap {

// A double-quoted scalar: sanitised text; '\', '"', newline and tab
// escaped ('"' as "\x22", which both readers decode the same way).
std::string yaml_quoted(std::string_view text);

// "key: value" lines at `indent` spaces, value being multi-line text: a
// literal block ("key: |") when its first line does not begin with white
// space (YAMLish would take that for the block's indentation), else a
// quoted scalar. Empty lines inside the block keep its indentation, since
// YAMLish would end the block at a truly empty one.
std::string yaml_text_entry(std::string_view key, std::string_view text, int indent);

}  // namespace vmtest::reporter_tap
