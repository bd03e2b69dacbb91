// The one error a bad vmtest.toml produces. what() is a complete one-line
// message in the compiler style editors and CI logs understand:
//   vmtest.toml:12:3: target 'foo': field 'vm.num_cpus' must be an integer from 1 to 255, got "two"
// The parts are kept too, so callers (and tests) need not parse the text.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

namespace vmtest::config {

// 1-based, as toml++ and editors count.
struct SourcePosition {
    int line = 0;
    int column = 0;

    bool operator==(const SourcePosition&) const = default;
};

class ConfigError : public std::runtime_error {
public:
    struct Details {
        std::string file;                         // as the user named it
        std::optional<SourcePosition> position;   // none for whole-file problems
        std::string target_name;                  // empty when unknown or not about a target
        std::optional<std::size_t> target_index;  // 1-based; names the target when its name is unknown
        std::string field;                        // dotted, e.g. "vm.num_cpus"; empty when not about one field
        std::string message;                      // the text after the location prefix
    };

    explicit ConfigError(Details details);

    const std::string& file() const noexcept { return m_details.file; }
    const std::optional<SourcePosition>& position() const noexcept { return m_details.position; }
    const std::string& target_name() const noexcept { return m_details.target_name; }
    const std::string& field() const noexcept { return m_details.field; }
    const std::string& message() const noexcept { return m_details.message; }

private:
    Details m_details;
};

}  // namespace vmtest::config
