#include "tap_line.hpp"

#include <cctype>
#include <climits>

namespace vmtest::tap {

namespace {

constexpr int k_tab_width = 4;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t'; }

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (lower(text[i]) != lower(prefix[i])) {
            return false;
        }
    }
    return true;
}

std::string_view trim_left(std::string_view text) {
    while (!text.empty() && is_space(text.front())) {
        text.remove_prefix(1);
    }
    return text;
}

std::string_view trim(std::string_view text) {
    text = trim_left(text);
    while (!text.empty() && (is_space(text.back()) || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    return text;
}

// Consumes digits at the start of `text`; INT_MAX when there are too many
// to be a real count (such a number never matches a plan or position).
bool take_number(std::string_view& text, int& number) {
    std::size_t digits = 0;
    long long value = 0;
    while (digits < text.size() && is_digit(text[digits])) {
        if (value < INT_MAX) {
            value = value * 10 + (text[digits] - '0');
        }
        ++digits;
    }
    if (digits == 0) {
        return false;
    }
    number = value > INT_MAX ? INT_MAX : static_cast<int>(value);
    text.remove_prefix(digits);
    return true;
}

// A word ends at the end of the text or at white space ("ok" but not "okay").
bool take_word(std::string_view& text, std::string_view word) {
    if (text.substr(0, word.size()) != word ||
        (text.size() > word.size() && !is_space(text[word.size()]))) {
        return false;
    }
    text.remove_prefix(word.size());
    return true;
}

// "[   12.345678] " and its variants, as the kernel prefixes its log.
std::string_view strip_kernel_log_prefix(std::string_view line) {
    std::string_view rest = line;
    if (rest.size() > 2 && rest[0] == '<') {
        std::size_t close = 1;
        while (close < rest.size() && close < 5 && is_digit(rest[close])) {
            ++close;
        }
        if (close > 1 && close < rest.size() && rest[close] == '>') {
            rest.remove_prefix(close + 1);
        }
    }
    // The timestamp: "[", spaces, seconds, ".", fraction, "]".
    auto take_bracket = [](std::string_view& text, bool timestamp) {
        std::string_view t = text;
        if (t.empty() || t[0] != '[') {
            return false;
        }
        t = trim_left(t.substr(1));
        if (!timestamp && !t.empty() && (t[0] == 'T' || t[0] == 'C')) {
            t.remove_prefix(1);  // the caller id: "[    T1]", "[    C0]"
        }
        int ignored = 0;
        if (!take_number(t, ignored)) {
            return false;
        }
        if (timestamp) {
            if (t.empty() || t[0] != '.') {
                return false;
            }
            t.remove_prefix(1);
            if (!take_number(t, ignored)) {
                return false;
            }
        }
        if (t.empty() || t[0] != ']') {
            return false;
        }
        text = t.substr(1);
        return true;
    };
    if (!take_bracket(rest, true)) {
        return line;
    }
    take_bracket(rest, false);
    if (!rest.empty() && rest[0] == ' ') {
        rest.remove_prefix(1);  // the separator; the rest of the indentation is the line's
    }
    return rest;
}

// "description # DIRECTIVE reason": the description up to the first '#'
// that is not escaped as "\#", and the directive after it if it is one.
void split_directive(std::string_view text, TapLine& line) {
    std::string description;
    std::size_t at = 0;
    for (; at < text.size(); ++at) {
        if (text[at] == '\\' && at + 1 < text.size() && text[at + 1] == '#') {
            description += '#';
            ++at;
        } else if (text[at] == '#') {
            break;
        } else {
            description += text[at];
        }
    }
    line.description = std::string(trim(description));
    if (at >= text.size()) {
        return;
    }
    std::string_view rest = trim_left(text.substr(at + 1));
    std::size_t word_end = 0;
    while (word_end < rest.size() && !is_space(rest[word_end])) {
        ++word_end;
    }
    const std::string_view word = rest.substr(0, word_end);
    // TAP::Parser's reading: SKIP and any word it starts ("skipped"), TODO
    // only as a word; both in any case.
    if (starts_with_nocase(word, "skip")) {
        line.directive = TapDirective::skip;
    } else if (word.size() == 4 && starts_with_nocase(word, "todo")) {
        line.directive = TapDirective::todo;
    } else {
        return;  // a comment after the description
    }
    line.reason = std::string(trim(rest.substr(word_end)));
}

bool classify_test(std::string_view text, TapLine& line) {
    std::string_view rest = text;
    if (take_word(rest, "ok")) {
        line.ok = true;
    } else if (take_word(rest, "not")) {
        rest = trim_left(rest);
        if (!take_word(rest, "ok")) {
            return false;
        }
    } else {
        return false;
    }
    rest = trim_left(rest);
    take_number(rest, line.number);
    rest = trim_left(rest);
    if (!rest.empty() && rest[0] == '-' && (rest.size() == 1 || is_space(rest[1]))) {
        rest = trim_left(rest.substr(1));
    }
    split_directive(rest, line);
    line.kind = TapLineKind::test;
    return true;
}

bool classify_version(std::string_view text, TapLine& line) {
    std::string_view rest = text;
    if (starts_with_nocase(rest, "ktap ")) {
        line.ktap = true;
        rest.remove_prefix(5);
    } else if (starts_with_nocase(rest, "tap ")) {
        rest.remove_prefix(4);
    } else {
        return false;
    }
    rest = trim_left(rest);
    if (!starts_with_nocase(rest, "version")) {
        return false;
    }
    rest = trim_left(rest.substr(7));
    if (!take_number(rest, line.version) || !trim(rest).empty()) {
        return false;
    }
    line.kind = TapLineKind::version;
    return true;
}

bool classify_plan(std::string_view text, TapLine& line) {
    std::string_view rest = text;
    if (rest.substr(0, 3) != "1..") {
        return false;
    }
    rest.remove_prefix(3);
    if (!take_number(rest, line.planned)) {
        return false;
    }
    rest = trim(rest);
    if (!rest.empty()) {
        if (rest[0] != '#') {
            return false;
        }
        rest = trim_left(rest.substr(1));
        if (starts_with_nocase(rest, "skip")) {
            std::size_t word_end = 0;
            while (word_end < rest.size() && !is_space(rest[word_end])) {
                ++word_end;
            }
            line.reason = std::string(trim(rest.substr(word_end)));
            line.directive = TapDirective::skip;
        }
    }
    line.kind = TapLineKind::plan;
    return true;
}

}  // namespace

bool is_structural(TapLineKind kind) {
    return kind == TapLineKind::version || kind == TapLineKind::plan ||
           kind == TapLineKind::test || kind == TapLineKind::bail_out ||
           kind == TapLineKind::subtest;
}

TapLine classify_tap_line(std::string_view raw) {
    TapLine line;
    std::string_view rest = strip_kernel_log_prefix(raw);
    std::size_t at = 0;
    for (; at < rest.size() && is_space(rest[at]); ++at) {
        line.indent += rest[at] == '\t' ? k_tab_width : 1;
    }
    rest.remove_prefix(at);
    while (!rest.empty() && (rest.back() == '\r' || is_space(rest.back()))) {
        rest.remove_suffix(1);
    }
    line.text = rest;

    if (rest.empty()) {
        return line;
    }
    if (rest == "---") {
        line.kind = TapLineKind::yaml_start;
    } else if (rest == "...") {
        line.kind = TapLineKind::yaml_end;
    } else if (rest.substr(0, 9) == "Bail out!") {
        line.kind = TapLineKind::bail_out;
        line.reason = std::string(trim(rest.substr(9)));
    } else if (rest[0] == '#') {
        const std::string_view comment = trim_left(rest.substr(1));
        if (starts_with_nocase(comment, "subtest:")) {
            line.kind = TapLineKind::subtest;
            line.reason = std::string(trim(comment.substr(8)));
        }
    } else if (classify_test(rest, line) || classify_version(rest, line) ||
               classify_plan(rest, line)) {
        // classified
    }
    return line;
}

}  // namespace vmtest::tap
