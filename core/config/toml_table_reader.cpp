#include "config/toml_table_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>
#include <utility>

#include "config/closest_match.hpp"

namespace vmtest::config {
namespace {

bool is_bare_key(std::string_view key) {
    return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
    });
}

bool is_known_position(const toml::source_position& position) {
    return position.line != 0 && position.column != 0;
}

// Keeps messages one line long even when a value is a whole script.
constexpr std::size_t k_max_described_length = 60;

}  // namespace

SourcePosition to_position(const toml::source_position& position) {
    return SourcePosition{static_cast<int>(position.line), static_cast<int>(position.column)};
}

std::string quote(std::string_view text) {
    std::string quoted = "\"";
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        // C1 controls (U+0080-U+009F, 0xC2 0x80-0x9F in UTF-8) are escaped
        // like C0 ones: a message must not steer the terminal.
        if (static_cast<unsigned char>(c) == 0xc2 && i + 1 < text.size() &&
            static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
            static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04X",
                          static_cast<unsigned>(static_cast<unsigned char>(text[++i])));
            quoted += escaped;
            continue;
        }
        switch (c) {
            case '"': quoted += "\\\""; break;
            case '\\': quoted += "\\\\"; break;
            case '\n': quoted += "\\n"; break;
            case '\t': quoted += "\\t"; break;
            case '\r': quoted += "\\r"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                    char escaped[8];
                    std::snprintf(escaped, sizeof escaped, "\\u%04X", static_cast<unsigned>(c));
                    quoted += escaped;
                } else {
                    quoted += c;
                }
        }
    }
    return quoted + '"';
}

std::string describe_value(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::string: {
            const std::string& text = node.as_string()->get();
            if (text.size() > k_max_described_length) {
                return quote(text.substr(0, k_max_described_length)) + "...";
            }
            return quote(text);
        }
        case toml::node_type::integer:
            return std::to_string(node.as_integer()->get());
        case toml::node_type::floating_point: {
            std::ostringstream text;
            text << *node.as_floating_point();
            return text.str();
        }
        case toml::node_type::boolean:
            return node.as_boolean()->get() ? "true" : "false";
        case toml::node_type::array: return "an array";
        case toml::node_type::table: return "a table";
        case toml::node_type::date: return "a date";
        case toml::node_type::time: return "a time";
        case toml::node_type::date_time: return "a date-time";
        case toml::node_type::none: break;
    }
    return "nothing";
}

TomlTableReader::TomlTableReader(const toml::table& table, std::string prefix,
                                 const ErrorScope& scope)
    : m_table(table), m_prefix(std::move(prefix)), m_scope(scope) {}

void TomlTableReader::reject_unknown_keys(std::span<const std::string_view> known) const {
    const toml::key* first_unknown = nullptr;
    for (auto&& [key, value] : m_table) {
        (void)value;
        if (std::find(known.begin(), known.end(), key.str()) != known.end()) {
            continue;
        }
        // toml::table is sorted by name, but the first typo in the file is
        // the one the user expects to hear about.
        const auto by_position = [](const toml::key& k) {
            return std::pair(k.source().begin.line, k.source().begin.column);
        };
        if (first_unknown == nullptr || by_position(key) < by_position(*first_unknown)) {
            first_unknown = &key;
        }
    }
    if (first_unknown == nullptr) {
        return;
    }
    std::string message = "unknown field '" + field_name(first_unknown->str()) + "'";
    if (const auto suggestion = closest_match(first_unknown->str(), known)) {
        message += " (did you mean '" + field_name(*suggestion) + "'?)";
    }
    fail(first_unknown->str(), std::move(message));
}

const toml::node* TomlTableReader::find(std::string_view key) const { return m_table.get(key); }

std::optional<std::string> TomlTableReader::read_string(std::string_view key) const {
    const toml::node* node = find(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    if (!node->is_string()) {
        fail_type(key, "a string");
    }
    return node->as_string()->get();
}

std::string TomlTableReader::require_string(std::string_view key) const {
    auto value = read_string(key);
    if (!value) {
        fail_missing(key);
    }
    return std::move(*value);
}

std::optional<bool> TomlTableReader::read_bool(std::string_view key) const {
    const toml::node* node = find(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    if (!node->is_boolean()) {
        fail_type(key, "a boolean (true or false)");
    }
    return node->as_boolean()->get();
}

std::optional<std::int64_t> TomlTableReader::read_integer(std::string_view key, std::int64_t min,
                                                          std::int64_t max,
                                                          std::string_view expectation) const {
    const toml::node* node = find(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    // Strictly integers: toml++'s value<int64_t>() would also accept 2.0.
    if (!node->is_integer() || node->as_integer()->get() < min || node->as_integer()->get() > max) {
        fail_type(key, expectation);
    }
    return node->as_integer()->get();
}

const toml::table* TomlTableReader::read_table(std::string_view key) const {
    const toml::node* node = find(key);
    if (node == nullptr) {
        return nullptr;
    }
    if (!node->is_table()) {
        fail_type(key, "a table");
    }
    return node->as_table();
}

std::optional<std::vector<std::string>> TomlTableReader::read_string_array(
    std::string_view key) const {
    const toml::node* node = find(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    if (!node->is_array()) {
        fail_type(key, "an array of strings");
    }
    std::vector<std::string> strings;
    const toml::array& array = *node->as_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
        const toml::node& element = array[i];
        if (!element.is_string()) {
            // Point at the element itself: in a long list the key is far away.
            const std::string element_field = field_name(key) + "[" + std::to_string(i) + "]";
            fail_at(to_position(element.source().begin), element_field,
                    "field '" + element_field + "' must be a string, got " +
                        describe_value(element));
        }
        strings.push_back(element.as_string()->get());
    }
    return strings;
}

std::string TomlTableReader::field_name(std::string_view key) const {
    std::string name = m_prefix;
    if (!name.empty()) {
        name += '.';
    }
    return name + (is_bare_key(key) ? std::string(key) : quote(key));
}

SourcePosition TomlTableReader::key_position(std::string_view key) const {
    const auto entry = m_table.find(key);
    if (entry != m_table.end()) {
        if (is_known_position(entry->first.source().begin)) {
            return to_position(entry->first.source().begin);
        }
        if (is_known_position(entry->second.source().begin)) {
            return to_position(entry->second.source().begin);
        }
    }
    return table_position();
}

SourcePosition TomlTableReader::table_position() const {
    return to_position(m_table.source().begin);
}

void TomlTableReader::fail_type(std::string_view key, std::string_view expectation) const {
    fail(key, "field '" + field_name(key) + "' must be " + std::string(expectation) + ", got " +
                  describe_value(*find(key)));
}

void TomlTableReader::fail_missing(std::string_view key) const {
    fail_at(table_position(), field_name(key), "missing required field '" + field_name(key) + "'");
}

void TomlTableReader::fail(std::string_view key, std::string message) const {
    fail_at(key_position(key), field_name(key), std::move(message));
}

void TomlTableReader::fail_at(std::optional<SourcePosition> position, std::string field,
                              std::string message) const {
    if (position && (position->line == 0 || position->column == 0)) {
        position.reset();
    }
    throw ConfigError(ConfigError::Details{m_scope.file, position, m_scope.target_name,
                                           m_scope.target_index, std::move(field),
                                           std::move(message)});
}

}  // namespace vmtest::config
