#include "config/config_error.hpp"

#include <utility>

namespace vmtest::config {
namespace {

std::string format_error(const ConfigError::Details& details) {
    std::string text = details.file;
    if (details.position) {
        text += ':' + std::to_string(details.position->line) + ':' +
                std::to_string(details.position->column);
    }
    text += ": ";
    if (!details.target_name.empty()) {
        text += "target '" + details.target_name + "': ";
    } else if (details.target_index) {
        text += "target #" + std::to_string(*details.target_index) + ": ";
    }
    return text + details.message;
}

}  // namespace

ConfigError::ConfigError(Details details)
    : std::runtime_error(format_error(details)), m_details(std::move(details)) {}

}  // namespace vmtest::config
