// Base64 decoding (RFC 4648, standard alphabet), for the guest agent's
// out-data / err-data fields: the SDK's decoder (vmtest/sdk/bytes.hpp) with
// this library's error. Encoding is sdk::base64_encode.
#pragma once

#include <string>
#include <string_view>

namespace vmtest::protocol {

// Decodes `text`; whitespace is ignored, padding optional. Throws
// MalformedMessage on any other character outside the alphabet.
std::string base64_decode(std::string_view text);

}  // namespace vmtest::protocol
