#include "boot/init_config.hpp"

#include "boot/percent_encoding.hpp"

#include <initializer_list>
#include <string_view>

namespace vmtest::boot {

namespace {

void add_line(std::string& text, std::string_view directive,
              std::initializer_list<std::string_view> fields) {
    text += directive;
    for (std::string_view field : fields) {
        text += ' ';
        text += percent_encode(field);
    }
    text += '\n';
}

std::string_view access_mode(bool read_only) { return read_only ? "ro" : "rw"; }

}  // namespace

std::string render(const InitConfig& config) {
    std::string text = "# vmtest guest init configuration, written by the host\n";
    add_line(text, "log", {config.log_level == InitLogLevel::debug ? "debug" : "quiet"});
    if (!config.hostname.empty()) {
        add_line(text, "hostname", {config.hostname});
    }
    for (const auto& module : config.modules) {
        add_line(text, "module", {module});
    }
    for (const auto& hint : config.hints) {
        add_line(text, "hint", {hint});
    }
    if (config.root) {
        const InitRootMount& root = *config.root;
        add_line(text, "root",
                 {root.fstype, root.source, root.options, access_mode(root.read_only)});
    }
    if (config.read_only_root) {
        text += "read-only-root\n";
    }
    for (const auto& mount : config.mounts) {
        add_line(text, "mount",
                 {mount.fstype, mount.source, mount.guest_path, mount.options,
                  access_mode(mount.read_only)});
    }
    for (const auto& bind : config.binds) {
        add_line(text, "bind", {bind.source, bind.destination});
    }
    for (const auto& port : config.ports) {
        add_line(text, "port", {port});
    }
    if (!config.agent_candidates.empty()) {
        text += "agent";
        for (const auto& candidate : config.agent_candidates) {
            text += ' ';
            text += percent_encode(candidate);
        }
        text += '\n';
    }
    for (const auto& arg : config.agent_args) {
        add_line(text, "agent-arg", {arg});
    }
    if (!config.control_port.empty()) {
        add_line(text, "control", {config.control_port});
    }
    if (!config.kernel_log_port.empty()) {
        add_line(text, "kmsg", {config.kernel_log_port});
    }
    return text;
}

}  // namespace vmtest::boot
