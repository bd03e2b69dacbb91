// Typed, strict access to one TOML table, turning every problem into a
// ConfigError that points at the offending key. config_file.cpp describes
// vmtest.toml's schema with it; this file knows nothing about that schema.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "config/config_error.hpp"

namespace vmtest::config {

// How errors from one part of the file are labelled. Readers refer to it
// rather than copy it, so a target's name can be filled in once it is known.
struct ErrorScope {
    std::string file;
    std::string target_name;
    std::optional<std::size_t> target_index;  // 1-based
};

class TomlTableReader {
public:
    // `prefix` is the dotted field name of `table` itself: "" for a target
    // or the document, "vm" for a target's [target.vm].
    TomlTableReader(const toml::table& table, std::string prefix, const ErrorScope& scope);

    const toml::table& table() const { return m_table; }

    // Fails on the first key, in file order, that is not in `known`.
    void reject_unknown_keys(std::span<const std::string_view> known) const;

    const toml::node* find(std::string_view key) const;

    // Each returns none when the key is absent and fails when it has the wrong type.
    std::optional<std::string> read_string(std::string_view key) const;
    std::optional<bool> read_bool(std::string_view key) const;
    std::optional<std::int64_t> read_integer(std::string_view key, std::int64_t min,
                                             std::int64_t max, std::string_view expectation) const;
    const toml::table* read_table(std::string_view key) const;
    std::optional<std::vector<std::string>> read_string_array(std::string_view key) const;

    // Like read_string, but a missing key is an error too.
    std::string require_string(std::string_view key) const;

    // "vm" + "num_cpus" -> "vm.num_cpus"; keys that are not bare TOML keys are quoted.
    std::string field_name(std::string_view key) const;
    SourcePosition key_position(std::string_view key) const;
    SourcePosition table_position() const;

    // "field '<field>' must be <expectation>, got <value>", at the key.
    [[noreturn]] void fail_type(std::string_view key, std::string_view expectation) const;
    // "missing required field '<field>'", at the table (the key is not there to point at).
    [[noreturn]] void fail_missing(std::string_view key) const;
    // Any message about `key`, at the key.
    [[noreturn]] void fail(std::string_view key, std::string message) const;
    // Any message at any place; `field` may be empty.
    [[noreturn]] void fail_at(std::optional<SourcePosition> position, std::string field,
                              std::string message) const;

private:
    const toml::table& m_table;
    std::string m_prefix;
    const ErrorScope& m_scope;
};

// A TOML value as an error message shows it: strings quoted, scalars as
// written, containers by kind ("an array").
std::string describe_value(const toml::node& node);

// `text` in double quotes with TOML basic-string escapes.
std::string quote(std::string_view text);

SourcePosition to_position(const toml::source_position& position);

}  // namespace vmtest::config
