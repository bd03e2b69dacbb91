#include "yaml_text.hpp"

#include "text_sanitizer.hpp"

namespace vmtest::reporter_tap {

std::string yaml_quoted(std::string_view text) {
    const std::string clean = report::sanitize_text(text);
    std::string out = "\"";
    for (const char c : clean) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '"':
            out += "\\x22";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += c;
        }
    }
    return out + "\"";
}

std::string yaml_text_entry(std::string_view key, std::string_view text, int indent) {
    std::string clean = report::sanitize_text(text);
    // Leading blank lines say nothing, and would decide the block's indentation.
    std::size_t start = 0;
    while (start < clean.size()) {
        const std::size_t end = clean.find('\n', start);
        if (end == std::string::npos || clean.find_first_not_of(" \t", start) < end) {
            break;
        }
        start = end + 1;
    }
    clean.erase(0, start);
    while (!clean.empty() && clean.back() == '\n') {
        clean.pop_back();
    }
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    if (clean.empty() || clean.front() == ' ' || clean.front() == '\t') {
        return pad + std::string(key) + ": " + yaml_quoted(clean) + "\n";
    }
    const std::string content_pad = pad + "  ";
    std::string out = pad + std::string(key) + ": |\n";
    std::size_t at = 0;
    while (at <= clean.size()) {
        std::size_t end = clean.find('\n', at);
        if (end == std::string::npos) {
            end = clean.size();
        }
        out += content_pad;
        out.append(clean, at, end - at);
        out += '\n';
        at = end + 1;
    }
    return out;
}

}  // namespace vmtest::reporter_tap
