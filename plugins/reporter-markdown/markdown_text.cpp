#include "markdown_text.hpp"

#include <algorithm>

#include "text_sanitizer.hpp"

namespace vmtest::reporter_markdown {

namespace {

// ASCII punctuation that can mean something inline in GitHub's Markdown
// (emphasis, code, links, autolinks, HTML, tables, strikethrough, math,
// emoji, mentions). The rest ("-,;=+%'\"/?^") means nothing inside a line,
// and "6.1.0-9-amd64" should stay readable as plain text.
bool needs_backslash(char c) {
    static constexpr std::string_view k_special = "!#$()*.:<>@[\\]_`{|}~&";
    return k_special.find(c) != std::string_view::npos;
}

// The HTML entity for `c`, or nullptr when it needs none.
const char* entity_for(char c) {
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    default:
        return nullptr;
    }
}

}  // namespace

std::string markdown_inline(std::string_view text) {
    std::string out;
    for (const char c : report::sanitize_line(text)) {
        if (c == '&' || c == '<' || c == '>') {
            out += entity_for(c);
        } else if (needs_backslash(c)) {
            out += '\\';
            out += c;
        } else {
            out += c;
        }
    }
    return out;
}

std::string html_inline(std::string_view text) {
    std::string out;
    for (const char c : report::sanitize_line(text)) {
        if (const char* entity = entity_for(c)) {
            out += entity;
        } else {
            out += c;
        }
    }
    return out;
}

std::string fenced_block(std::string_view text) {
    std::string body = report::sanitize_text(text);
    if (!body.empty() && body.back() != '\n') {
        body += '\n';
    }
    std::size_t longest_run = 0;
    std::size_t run = 0;
    for (const char c : body) {
        run = c == '`' ? run + 1 : 0;
        longest_run = std::max(longest_run, run);
    }
    const std::string fence(std::max<std::size_t>(3, longest_run + 1), '`');
    return fence + "text\n" + body + fence + "\n";
}

}  // namespace vmtest::reporter_markdown
