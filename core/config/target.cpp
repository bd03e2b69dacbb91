#include "config/target.hpp"

#include "config/kernel_command_line.hpp"

namespace vmtest::config {

bool Target::is_image() const { return image.has_value(); }

bool Target::is_interactive() const { return command == "-"; }

bool Target::root_writes_reach_host() const {
    return root_writable && !asks_read_only_root(kernel_args);
}

void fail_at_origin(const Target& target, const std::string& field, const std::string& message) {
    const auto origin = target.origins.find(field);
    if (origin == target.origins.end() || origin->second.file.empty()) {
        return;
    }
    throw ConfigError(ConfigError::Details{origin->second.file, origin->second.position,
                                           target.name, std::nullopt, field,
                                           "field '" + field + "': " + message});
}

std::string origin_label(const Target& target, const std::string& field) {
    const auto origin = target.origins.find(field);
    if (origin != target.origins.end() && !origin->second.flag.empty()) {
        return origin->second.flag;
    }
    return "target '" + target.name + "'";
}

std::optional<KernelSplatPolicy> parse_kernel_splat_policy(std::string_view text) {
    if (text == "fail") {
        return KernelSplatPolicy::fail;
    }
    if (text == "warn") {
        return KernelSplatPolicy::warn;
    }
    if (text == "ignore") {
        return KernelSplatPolicy::ignore;
    }
    return std::nullopt;
}

bool Target::boots_with_uefi() const { return is_image() && (uefi || arch != "x86_64"); }

bool is_supported_arch(std::string_view arch) {
    for (std::string_view supported : k_supported_arches) {
        if (arch == supported) {
            return true;
        }
    }
    return false;
}

std::string supported_arches_text() {
    std::string text;
    const std::size_t count = std::size(k_supported_arches);
    for (std::size_t i = 0; i < count; ++i) {
        text += i == 0 ? "" : i + 1 == count ? " or " : ", ";
        text += "\"" + std::string(k_supported_arches[i]) + "\"";
    }
    return text;
}

}  // namespace vmtest::config
