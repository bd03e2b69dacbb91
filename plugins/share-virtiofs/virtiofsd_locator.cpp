#include "virtiofsd_locator.hpp"

#include <algorithm>
#include <cstdlib>
#include <unistd.h>

#include "vmtest/plugin-support/child_process.hpp"
#include "vmtest/plugin-support/find_program.hpp"
#include "vmtest/plugin-support/text_file.hpp"
#include "vmtest/sdk/plugin.hpp"

namespace vmtest::virtiofs {

namespace {

constexpr auto k_help_timeout = std::chrono::seconds(5);
// Rust virtiofsd (Fedora, Debian 13+), QEMU's C virtiofsd (Debian 12), and
// QEMU's libexec directory on other distributions.
constexpr const char* k_known_locations[] = {"/usr/libexec/virtiofsd", "/usr/lib/qemu/virtiofsd",
                                             "/usr/libexec/qemu/virtiofsd"};

// The binary's --help text; empty when it does not run or hangs.
std::string help_of(const std::filesystem::path& binary) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "vmtest-virtiofsd-help.XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    if (fd < 0) {
        return "";
    }
    ::close(fd);
    const std::filesystem::path output = pattern;
    std::string text;
    try {
        util::ChildProcess help(util::SpawnOptions{{binary.string(), "--help"}, output, output});
        if (help.wait_for(k_help_timeout)) {
            text = util::read_text_file(output);
        }
    } catch (const std::exception&) {
    }
    std::error_code ignored;
    std::filesystem::remove(output, ignored);
    return text;
}

bool mentions(const std::string& text, const char* word) {
    return text.find(word) != std::string::npos;
}

}  // namespace

std::vector<std::filesystem::path> virtiofsd_candidates() {
    std::vector<std::filesystem::path> candidates;
    if (auto on_path = util::find_program("virtiofsd")) {
        candidates.push_back(*on_path);
    }
    for (const char* known : k_known_locations) {
        if (std::find(candidates.begin(), candidates.end(), known) == candidates.end()) {
            candidates.emplace_back(known);
        }
    }
    return candidates;
}

std::optional<Virtiofsd> recognize_virtiofsd(const std::filesystem::path& path,
                                             const std::string& help) {
    if (mentions(help, "--shared-dir")) {
        return Virtiofsd{path, Dialect::rust, mentions(help, "--allow-mmap")};
    }
    if (mentions(help, "source=") && mentions(help, "--fd")) {
        return Virtiofsd{path, Dialect::qemu_c, false};
    }
    return std::nullopt;
}

Virtiofsd find_virtiofsd() {
    if (const char* chosen = std::getenv(k_virtiofsd_env); chosen && *chosen) {
        const std::filesystem::path path = chosen;
        if (::access(chosen, X_OK) != 0) {
            throw sdk::unsupported(std::string(k_virtiofsd_env) + "=" + path.string() +
                                   " is not an executable file");
        }
        if (auto daemon = recognize_virtiofsd(path, help_of(path))) {
            return *daemon;
        }
        throw sdk::unsupported(std::string(k_virtiofsd_env) + "=" + path.string() +
                               " does not look like virtiofsd (its --help names neither "
                               "-o source= nor --shared-dir)");
    }
    return first_virtiofsd(virtiofsd_candidates());
}

Virtiofsd first_virtiofsd(const std::vector<std::filesystem::path>& candidates) {
    std::string looked;
    std::string unrecognized;
    for (const auto& candidate : candidates) {
        looked += (looked.empty() ? "" : ", ") + candidate.string();
        if (::access(candidate.c_str(), X_OK) != 0) {
            continue;
        }
        if (auto daemon = recognize_virtiofsd(candidate, help_of(candidate))) {
            return *daemon;
        }
        unrecognized += (unrecognized.empty() ? "" : ", ") + candidate.string();
    }
    throw sdk::unsupported(
        "no virtiofsd found (looked at " + looked + ")" +
        (unrecognized.empty() ? "" : "; not virtiofsd by its --help: " + unrecognized) +
        "; install qemu-system-common (Debian 12) or virtiofsd, or set " + k_virtiofsd_env);
}

}  // namespace vmtest::virtiofs
