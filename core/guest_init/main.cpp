// vmtest-init: PID 1 of a vmtest guest, run from the initramfs as /init.
// It reads /vmtest/init.conf (written by the host, see boot/init_config.hpp),
// loads the kernel modules the host picked, mounts the host's root share as
// the guest's root (normally under a RAM overlay), switches into it, starts
// the guest agent and then waits for the host to ask for a power-off. It
// must never hang and never exit: every fatal problem is reported on the
// console as one "vmtest-init: FATAL: ..." line, then the VM powers off.
//
// It is statically linked and built without exceptions: it runs before any
// library of the guest is reachable.

#include "agent.hpp"
#include "boot/init_config_parser.hpp"
#include "console_log.hpp"
#include "fs_util.hpp"
#include "kernel_log_stream.hpp"
#include "modules.hpp"
#include "mounts.hpp"
#include "network.hpp"
#include "supervisor.hpp"
#include "virtio_ports.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

using namespace vmtest::boot;
using namespace vmtest::boot::init;

namespace {

constexpr const char* k_config_path = "/vmtest/init.conf";

InitConfig read_config() {
    std::string text;
    if (!read_text_file(k_config_path, text)) {
        fatal("cannot read %s: %s", k_config_path, std::strerror(errno));
    }
    InitConfigParseResult parsed = parse_init_config(text);
    if (!parsed.ok) {
        fatal("%s: %s", k_config_path, parsed.error.c_str());
    }
    if (!parsed.config.root) {
        fatal("%s has no 'root' directive", k_config_path);
    }
    if (parsed.config.agent_candidates.empty()) {
        fatal("%s has no 'agent' directive", k_config_path);
    }
    return std::move(parsed.config);
}

}  // namespace

int main() {
    if (::getpid() != 1) {
        // Not fatal(): that powers off, and this may be someone's host.
        static const char k_message[] =
            "vmtest-init: this is the init of a vmtest guest; it only runs as PID 1\n";
        ::write(STDERR_FILENO, k_message, sizeof(k_message) - 1);
        return 1;
    }
    mount_early_filesystems();
    const int kernel_log = open_kernel_log();
    InitConfig config = read_config();
    set_debug_logging(config.log_level == InitLogLevel::debug);
    log_info("starting");
    log_phase("init_started");

    if (!config.modules.empty()) {
        log_info("loading %zu kernel module(s)", config.modules.size());
        load_modules(config.modules);
    }
    log_phase("modules_loaded");

    log_info("mounting the root share (%s '%s', %s)", config.root->fstype.c_str(),
             config.root->source.c_str(), config.root->read_only ? "read-only with overlay" : "read-write");
    mount_root(*config.root, config.hints);
    log_phase("root_mounted");
    mount_api_filesystems();
    if (!config.mounts.empty()) {
        log_info("mounting %zu extra share(s)", config.mounts.size());
        mount_extra_shares(config.mounts);
    }
    bind_mounts(config.binds);
    if (config.read_only_root) {
        make_root_read_only();
    }
    log_phase("shares_mounted");

    log_info("switching to the new root");
    switch_root();
    bring_up_loopback();
    if (!config.hostname.empty()) {
        set_hostname(config.hostname);
    }
    std::vector<std::string> ports = config.ports;
    if (!config.control_port.empty()) {
        ports.push_back(config.control_port);
    }
    link_virtio_ports(ports);
    log_phase("ports_ready");

    prepare_child_signals();
    start_kernel_log_stream(kernel_log, config.kernel_log_port);
    StartedAgent agent = start_agent(config.agent_candidates, config.agent_args);
    log_phase("agent_started");
    supervise(agent, config.control_port);
}
