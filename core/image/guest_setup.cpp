#include "image/guest_setup.hpp"

#include <algorithm>
#include <sstream>

namespace vmtest::image {

namespace {

constexpr std::string_view k_error_prefix = "vmtest-error: ";
constexpr std::string_view k_shell_prefix = "vmtest-shell: ";

std::string quoted(const std::string& word) {
    std::string out = "'";
    for (const char c : word) {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

std::string joined(const std::vector<std::string>& words) {
    std::string text;
    for (const auto& word : words) {
        text += (text.empty() ? "" : ", ") + word;
    }
    return text;
}

} // namespace

std::string setup_script(const GuestSetup& setup) {
    std::string script = "exec 2>&1\n";
    // modprobe fails harmlessly for a module built into the kernel or absent:
    // /proc/filesystems says afterwards whether the filesystem is there.
    for (const auto& module : setup.modules) {
        script += "modprobe -q " + quoted(module) + " 2>/dev/null\n";
    }
    std::vector<std::string> checked;
    for (const auto& mount : setup.mounts) {
        if (std::find(checked.begin(), checked.end(), mount.fstype) != checked.end()) {
            continue;
        }
        checked.push_back(mount.fstype);
        script += "grep -qw " + quoted(mount.fstype) + " /proc/filesystems || { echo " +
                  quoted(std::string(k_error_prefix) + "no-fs " + mount.fstype) + "; exit 1; }\n";
    }
    for (const auto& mount : setup.mounts) {
        const std::string options = mount.options + (mount.read_only ? ",ro" : "");
        // A device may still be settling right after the agent started:
        // try a few times before giving up, as danobi/vmtest does.
        script += "i=0; until out=$(mkdir -p " + quoted(mount.guest_path) + " && mount -t " +
                  quoted(mount.fstype) + " -o " + quoted(options) + " " + quoted(mount.source) +
                  " " + quoted(mount.guest_path) + " 2>&1); do\n" +
                  "  i=$((i + 1)); [ $i -lt 3 ] || { echo " +
                  quoted(std::string(k_error_prefix) + "mount " + mount.guest_path + ": ") +
                  "\"$out\"; exit 1; }; sleep 1\ndone\n";
    }
    script += "for shell in /bin/bash /usr/bin/bash /bin/sh; do\n"
              "  [ -x \"$shell\" ] && { echo \"" +
              std::string(k_shell_prefix) + "$shell\"; exit 0; }\ndone\n" + "echo '" +
              std::string(k_error_prefix) + "shell'; exit 1\n";
    return script;
}

SetupResult read_setup_result(const GuestSetup& setup, const std::string& output, int exit_code) {
    SetupResult result;
    std::istringstream lines(output);
    std::string error;
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with(k_shell_prefix)) {
            result.shell = line.substr(k_shell_prefix.size());
        } else if (line.starts_with(k_error_prefix)) {
            error = line.substr(k_error_prefix.size());
        }
    }
    if (exit_code == 0 && !result.shell.empty()) {
        return result;
    }
    result.shell.clear();
    if (error.starts_with("no-fs ")) {
        const std::string fstype = error.substr(6);
        result.error = "the image's kernel has no " + fstype + " support (" +
                       joined(setup.modules) + "), so vmtest cannot share directories with it: " +
                       "install the kernel's modules in the image, or build it with them";
    } else if (error.starts_with("mount ")) {
        result.error = "cannot mount in the image: " + error.substr(6);
    } else if (error == "shell") {
        result.error = "the image has no shell (/bin/bash or /bin/sh) to run the command with";
    } else {
        std::string text = output;
        while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
            text.pop_back();
        }
        result.error = "setting up the image through its guest agent failed (status " +
                       std::to_string(exit_code) + ")" + (text.empty() ? "" : ": " + text);
    }
    return result;
}

} // namespace vmtest::image
