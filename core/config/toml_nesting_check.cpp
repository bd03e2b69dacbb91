#include "config/toml_nesting_check.hpp"

#include <vector>

#include "config/config_error.hpp"

namespace vmtest::config {
namespace {

// Characters that end a bare word: everything else (letters, digits, _ -
// + : and non-ASCII) belongs to a key or a scalar value such as 1979-05-27.
bool ends_word(char c) {
    constexpr std::string_view k_word_ends = " \t\r\n#\"'.=[]{},";
    return k_word_ends.find(c) != std::string_view::npos;
}

// One pass over the text. A "chain" is a run of words or strings joined by
// dots: a dotted key, a table header's name, or (harmlessly, at most two
// parts) a float or time value. Its depth is added to what encloses it:
// the current table header and the open inline arrays and tables.
class NestingScanner {
  public:
    NestingScanner(std::string_view text, const std::string& file) : m_text(text), m_file(file) {}

    void scan() {
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            switch (c) {
            case ' ':
            case '\t':
            case '\r':
                advance();
                break;
            case '\n':
                on_newline();
                break;
            case '#':
                skip_comment();
                break;
            case '"':
            case '\'':
                on_part([this] { skip_string(); });
                break;
            case '.':
                on_dot();
                break;
            case '=':
                on_equals();
                break;
            case '[':
                on_open_bracket();
                break;
            case '{':
                open_value();
                break;
            case ']':
            case '}':
                on_close();
                break;
            case ',':
                end_chain();
                m_key_parts = 0;
                advance();
                break;
            default:
                on_part([this] { skip_word(); });
                break;
            }
        }
    }

  private:
    struct Chain {
        int parts = 0;
        bool after_dot = false;
        SourcePosition start;
    };

    void on_newline() {
        end_chain();
        advance();
        if (m_open_depths.empty()) {
            m_at_line_start = true;
            m_key_parts = 0;
        }
    }

    template <typename Skip> void on_part(Skip skip) {
        const SourcePosition start = position();
        if (m_chain.parts > 0 && m_chain.after_dot) {
            ++m_chain.parts;
        } else {
            m_chain = Chain{1, false, start};
        }
        m_chain.after_dot = false;
        m_at_line_start = false;
        check_chain();
        skip();
    }

    void on_dot() {
        // A dot continues a chain; any other dot ("..", ".5") is bad TOML
        // that toml++ will report.
        if (m_chain.parts > 0 && !m_chain.after_dot) {
            m_chain.after_dot = true;
        } else {
            end_chain();
        }
        m_at_line_start = false;
        advance();
    }

    void on_equals() {
        // The chain before '=' is a key: a table or array opened as its
        // value sits as deep as the key's last part.
        m_key_parts = m_chain.parts;
        end_chain();
        m_at_line_start = false;
        advance();
    }

    void on_open_bracket() {
        if (m_at_line_start && m_open_depths.empty()) {
            scan_header();
        } else {
            open_value();
        }
    }

    // "[a.b.c]" or "[[a.b.c]]": replaces the current header's depth.
    void scan_header() {
        const SourcePosition start = position();
        advance();
        if (peek() == '[') {
            advance();
        }
        m_header_parts = 0;
        m_in_header = true;
        m_header_start = start;
        end_chain();
        while (m_pos < m_text.size() && m_text[m_pos] != ']' && m_text[m_pos] != '\n') {
            const char c = m_text[m_pos];
            if (c == ' ' || c == '\t') {
                advance();
            } else if (c == '.') {
                on_dot();
            } else if (c == '"' || c == '\'') {
                on_part([this] { skip_string(); });
            } else if (c == '#' || c == '[') {
                break; // bad TOML; let the main loop and then toml++ see it
            } else {
                on_part([this] { skip_word(); });
            }
        }
        m_header_parts = m_chain.parts;
        m_in_header = false;
        end_chain();
        while (peek() == ']') {
            advance();
        }
        m_at_line_start = false;
    }

    void open_value() {
        const SourcePosition start = position();
        const int depth = m_key_parts > 0 ? m_key_parts : 1;
        m_open_depths.push_back(depth);
        m_open_total += depth;
        m_key_parts = 0;
        end_chain();
        m_at_line_start = false;
        advance();
        if (m_header_parts + m_open_total > k_max_toml_nesting) {
            fail(start, "array or inline table (with its table header and enclosing keys)");
        }
    }

    void on_close() {
        if (!m_open_depths.empty()) {
            m_open_total -= m_open_depths.back();
            m_open_depths.pop_back();
        }
        m_key_parts = 0;
        end_chain();
        m_at_line_start = false;
        advance();
    }

    void check_chain() {
        if (m_in_header) {
            if (m_chain.parts > k_max_toml_nesting) {
                fail(m_header_start, "table header");
            }
            return;
        }
        if (m_header_parts + m_open_total + m_chain.parts > k_max_toml_nesting) {
            fail(m_chain.start,
                 "key (its dotted parts, table header and enclosing arrays and tables together)");
        }
    }

    void end_chain() { m_chain = Chain{}; }

    void skip_comment() {
        while (m_pos < m_text.size() && m_text[m_pos] != '\n') {
            advance();
        }
    }

    void skip_word() {
        while (m_pos < m_text.size() && !ends_word(m_text[m_pos])) {
            advance();
        }
    }

    // Basic ("...", """...""") and literal ('...', '''...''') strings;
    // only basic strings have escapes. An unterminated single-line string
    // ends at the newline, as toml++ will say.
    void skip_string() {
        const char quote = m_text[m_pos];
        const bool basic = quote == '"';
        if (peek(1) == quote && peek(2) == quote) {
            advance(3);
            while (m_pos < m_text.size()) {
                if (basic && m_text[m_pos] == '\\') {
                    advance(2);
                } else if (m_text[m_pos] == quote && peek(1) == quote && peek(2) == quote) {
                    advance(3);
                    // Up to two more quotes belong to the content: """a""""
                    for (int extra = 0; extra < 2 && peek() == quote; ++extra) {
                        advance();
                    }
                    return;
                } else {
                    advance();
                }
            }
            return;
        }
        advance();
        while (m_pos < m_text.size() && m_text[m_pos] != '\n') {
            if (basic && m_text[m_pos] == '\\' && peek(1) != '\n') {
                advance(2);
            } else if (m_text[m_pos] == quote) {
                advance();
                return;
            } else {
                advance();
            }
        }
    }

    char peek(std::size_t ahead = 0) const {
        return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0';
    }

    // Columns count code points, as toml++'s do: UTF-8 continuation bytes
    // do not start a column.
    void advance(std::size_t count = 1) {
        for (; count > 0 && m_pos < m_text.size(); --count, ++m_pos) {
            const auto byte = static_cast<unsigned char>(m_text[m_pos]);
            if (byte == '\n') {
                ++m_line;
                m_column = 1;
            } else if ((byte & 0xC0) != 0x80) {
                ++m_column;
            }
        }
    }

    SourcePosition position() const { return SourcePosition{m_line, m_column}; }

    [[noreturn]] void fail(SourcePosition at, const std::string& what) const {
        throw ConfigError(ConfigError::Details{
            m_file, at, "", std::nullopt, "",
            what + " nests more than " + std::to_string(k_max_toml_nesting) +
                " levels deep; vmtest allows at most " + std::to_string(k_max_toml_nesting)});
    }

    std::string_view m_text;
    const std::string& m_file;
    std::size_t m_pos = 0;
    int m_line = 1;
    int m_column = 1;

    bool m_at_line_start = true;
    bool m_in_header = false;
    SourcePosition m_header_start;
    int m_header_parts = 0;
    std::vector<int> m_open_depths; // per open inline array or table
    int m_open_total = 0;
    int m_key_parts = 0; // parts of the key just before '=', until its value
    Chain m_chain;
};

}  // namespace

void check_toml_nesting(std::string_view text, const std::string& file) {
    NestingScanner(text, file).scan();
}

}  // namespace vmtest::config
