#include "virtiofs_share.hpp"

#include <cstring>
#include <fstream>
#include <unistd.h>

#include "listening_socket.hpp"
#include "vmtest/plugin-support/text_file.hpp"
#include "virtiofsd_command.hpp"
#include "virtiofsd_locator.hpp"

namespace vmtest::virtiofs {

namespace {

constexpr auto k_stop_grace = std::chrono::milliseconds(1000);
constexpr std::size_t k_log_tail_lines = 5;
constexpr int k_cap_sys_admin = 21;

// Whether this process may create mount namespaces: CAP_SYS_ADMIN in its
// effective set (root normally has it; a container may not).
bool has_cap_sys_admin() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("CapEff:", 0) == 0) {
            const unsigned long long caps = std::stoull(line.substr(7), nullptr, 16);
            return (caps >> k_cap_sys_admin) & 1;
        }
    }
    return false;
}

std::string joined(const std::vector<std::string>& words) {
    std::string line;
    for (const auto& word : words) {
        line += (line.empty() ? "" : " ") + word;
    }
    return line;
}

}  // namespace

VirtiofsShare::VirtiofsShare(sdk::Host host, const nlohmann::json& config)
    : m_host(host), m_runtime_dir(config.value("runtime_dir", std::string())) {}

VirtiofsShare::~VirtiofsShare() {
    try {
        release();
    } catch (...) {
    }
}

sdk::ShareDescription VirtiofsShare::describe() {
    // virtiofs pulls in fuse through modules.dep.
    sdk::ShareDescription description;
    description.attachment = "vhost-user-fs";
    description.guest_modules = {"virtiofs"};
    description.priority = 200;  // "auto" prefers it to 9p wherever its probe says yes
    return description;
}

void VirtiofsShare::probe(const std::vector<sdk::Export>& exports) {
    (void)exports;
    if (!has_cap_sys_admin()) {
        throw sdk::unsupported("virtiofsd needs root (CAP_SYS_ADMIN) for its sandbox; vmtest runs "
                               "as uid " + std::to_string(::getuid()));
    }
    const auto daemon = find_virtiofsd();
    // Proves the read-only views can be made here (seccomp or a container
    // may forbid unshare even to root).
    PrivateMountNamespace check;
    m_host.debug("virtiofs: usable, with " + daemon.path.string());
}

sdk::PreparedShare VirtiofsShare::prepare(const std::vector<sdk::Export>& exports) {
    if (m_runtime_dir.empty() || !std::filesystem::is_directory(m_runtime_dir)) {
        throw sdk::Error("the virtiofs share needs a runtime_dir in its config (got '" +
                         m_runtime_dir.string() + "')");
    }
    if (!m_daemons.empty()) {
        throw sdk::Error("this virtiofs share instance is already prepared");
    }
    const Virtiofsd daemon = find_virtiofsd();
    m_namespace = std::make_unique<PrivateMountNamespace>();
    sdk::PreparedShare prepared;
    try {
        for (std::size_t i = 0; i < exports.size(); ++i) {
            start_daemon(daemon, exports[i], i, prepared);
        }
    } catch (...) {
        release();
        throw;
    }
    return prepared;
}

void VirtiofsShare::start_daemon(const Virtiofsd& daemon, const sdk::Export& e, std::size_t index,
                                 sdk::PreparedShare& prepared) {
    const std::string id = std::to_string(index);
    std::filesystem::path source = e.host_path;
    if (!e.writable) {
        source = m_runtime_dir / ("ro" + id);
        std::filesystem::create_directory(source);
        m_namespace->add_read_only_view(e.host_path, source);
    }
    // Short names: a socket path must fit in 108 bytes.
    const auto socket_path = m_runtime_dir / ("vfs" + id + ".sock");
    Daemon started{e.host_path, m_runtime_dir / ("virtiofsd" + id + ".log"), nullptr};
    {
        ListeningSocket socket(socket_path);
        const auto argv = virtiofsd_argv(daemon, socket.fd(), source.string());
        m_host.debug("virtiofs: serving " + e.host_path + (e.writable ? " (rw)" : " (ro)") +
                     " at " + socket_path.string() + ": " + joined(argv));
        util::SpawnOptions options{argv, std::nullopt, started.log};
        options.keep_fds = {socket.fd()};
        started.process = m_namespace->spawn(options);
    }  // vmtest's copy closes here: the daemon now holds the only one
    m_daemons.push_back(std::move(started));
    prepared.attachments.push_back({"vhost-user-fs", e.tag, "", socket_path.string(), !e.writable});
    // No options: what makes the mount coherent is the daemon's cache mode.
    prepared.mounts.push_back({e.tag, "virtiofs", e.tag, ""});
}

std::optional<std::string> VirtiofsShare::death_of(Daemon& daemon) const {
    const auto exit = daemon.process ? daemon.process->poll() : std::nullopt;
    // A daemon ends by itself, with status 0, when QEMU closes its
    // connection: that is QEMU's ending, not the daemon's failure.
    if (!exit || exit->exit_code == 0) {
        return std::nullopt;
    }
    const std::string who = "virtiofsd serving " + daemon.host_path;
    if (exit->signal) {
        // Its log then ends with what its sandboxed child wrote on the way
        // out, which says nothing about why.
        return who + " was killed by signal " + std::to_string(exit->signal) + " (" +
               strsignal(exit->signal) + ")";
    }
    const std::string status = who + " exited with status " + std::to_string(exit->exit_code);
    std::string log;
    for (const auto& line : util::last_lines(util::read_text_file(daemon.log), k_log_tail_lines)) {
        log += (log.empty() ? "" : "; ") + line;
    }
    return log.empty() ? status : status + ": " + log;
}

void VirtiofsShare::health() {
    for (auto& daemon : m_daemons) {
        if (auto death = death_of(daemon)) {
            daemon.death_reported = true;
            throw sdk::Error(*death);
        }
    }
}

void VirtiofsShare::release() {
    for (auto& daemon : m_daemons) {
        if (!daemon.process) {
            continue;
        }
        if (auto death = death_of(daemon); death && !daemon.death_reported) {
            m_host.warn(*death);
        }
        daemon.process->terminate(k_stop_grace);
    }
    m_daemons.clear();
    m_namespace.reset();
}

}  // namespace vmtest::virtiofs
