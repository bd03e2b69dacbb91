#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace vmtest::protocol {

// QMP and the guest agent both answer in QAPI's reply format: a success is
// {"return": VALUE}, a failure {"error": {"class": ..., "desc": ...}}.
// Returns VALUE for a success; throws RemoteError ("<who> command '<name>'
// failed: <desc>") for a failure; nullopt for any other message (an event,
// a greeting), which the caller handles.
std::optional<nlohmann::json> qapi_result(const nlohmann::json& message, const std::string& who,
                                          const std::string& command);

}  // namespace vmtest::protocol
