#include "base64.hpp"

#include "vmtest/plugin-support/errors.hpp"
#include "vmtest/sdk/bytes.hpp"

namespace vmtest::protocol {

std::string base64_decode(std::string_view text) {
    auto bytes = sdk::base64_decode(text);
    if (!bytes) {
        throw MalformedMessage("invalid base64 data");
    }
    return std::move(*bytes);
}

}  // namespace vmtest::protocol
