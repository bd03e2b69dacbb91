#include "vmtest/plugin-support/qapi_reply.hpp"

#include "vmtest/plugin-support/errors.hpp"

namespace vmtest::protocol {

std::optional<nlohmann::json> qapi_result(const nlohmann::json& message, const std::string& who,
                                          const std::string& command) {
    if (const auto result = message.find("return"); result != message.end()) {
        return *result;
    }
    if (const auto error = message.find("error"); error != message.end()) {
        const std::string error_class = error->value("class", std::string("Error"));
        const std::string description = error->value("desc", std::string("unknown error"));
        throw RemoteError(who + " command '" + command + "' failed: " + description, error_class,
                          description);
    }
    return std::nullopt;
}

}  // namespace vmtest::protocol
