// The guest agent's version as a (major, minor) pair.
//
// Features are gated on versions ("merged output needs 8.1"), and those
// must be compared as numbers pair-wise: as strings "10.0" < "8.1", and as
// floats 8.10 == 8.1.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace vmtest::protocol {

struct QgaVersion {
    int major = 0;
    int minor = 0;

    // Parses "7.2.22", "8.1.0-rc1", "10.0"; a missing minor is 0. nullopt
    // when `text` does not start with a number.
    static std::optional<QgaVersion> parse(std::string_view text);

    bool at_least(int wanted_major, int wanted_minor) const {
        return *this >= QgaVersion{wanted_major, wanted_minor};
    }
    std::string to_string() const;

    friend auto operator<=>(const QgaVersion&, const QgaVersion&) = default;
};

}  // namespace vmtest::protocol
