// Text from a run (target names, errors, subtest names, output) placed in a
// Markdown document so that it reads as itself and nothing else.
//
// A report must not let a target's name or output change the document's
// structure: a '|' would open a table cell, a newline end the row, '<' start
// an HTML tag (<details> around the rest of the page), a backtick a code
// span, "[x](y)" a link. Each context has its own rules:
//
//   - table cells and plain Markdown text: every ASCII punctuation character
//     that means something inline is backslash-escaped (CommonMark lets any
//     be escaped, and GFM reads "\|" as a literal pipe even in a table), '.'
//     and ':' too, so that no "www." or "https:" becomes a link; '&', '<'
//     and '>' become HTML entities; the text is one line;
//   - HTML (a <summary> line): Markdown is not read there, so only
//     entities: & < > " ';
//   - a fenced code block: literal text, so only the fence can end it: the
//     fence is longer than any run of backticks in the text.
//
// All of them first pass the text through sanitize_text/sanitize_line
// (valid UTF-8, no control characters or terminal escapes).
#pragma once

#include <string>
#include <string_view>

namespace vmtest::reporter_markdown {

// One line of text for a table cell or a paragraph.
std::string markdown_inline(std::string_view text);

// One line of text inside an HTML element.
std::string html_inline(std::string_view text);

// `text` (any number of lines) as a fenced code block, ending in a newline.
std::string fenced_block(std::string_view text);

}  // namespace vmtest::reporter_markdown
