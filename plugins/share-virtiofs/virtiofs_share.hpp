// The virtiofs share: one virtiofsd per export, attached to the VM as a
// vhost-user-fs device; the guest mounts it with the kernel's virtiofs
// driver. Much faster than 9p on many small files (no 9p round trips per
// path component, page cache on the guest side), at the price of a helper
// process per export and root on the host (virtiofsd needs CAP_SYS_ADMIN
// for its sandbox, and so do the read-only views).
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "private_mount_namespace.hpp"
#include "vmtest/plugin-support/child_process.hpp"
#include "virtiofsd_locator.hpp"
#include "vmtest/sdk/plugin.hpp"

namespace vmtest::virtiofs {

class VirtiofsShare : public sdk::Share {
  public:
    // config: {"runtime_dir": "<private directory for sockets and logs>"}.
    VirtiofsShare(sdk::Host host, const nlohmann::json& config);
    ~VirtiofsShare() override;

    sdk::ShareDescription describe() override;
    void probe(const std::vector<sdk::Export>& exports) override;
    sdk::PreparedShare prepare(const std::vector<sdk::Export>& exports) override;
    void release() override;
    // Throws, naming the export and how its daemon ended, once a daemon
    // died otherwise than by QEMU letting go of it.
    void health() override;

  private:
    struct Daemon {
        std::string host_path;
        std::filesystem::path log;
        std::unique_ptr<util::ChildProcess> process;
        bool death_reported = false;  // through health(): release() need not warn again
    };

    void start_daemon(const Virtiofsd& daemon, const sdk::Export& e, std::size_t index,
                      sdk::PreparedShare& prepared);
    // "virtiofsd serving /srv exited with status 1: <its last log lines>";
    // nullopt while it runs or when it ended normally (status 0).
    std::optional<std::string> death_of(Daemon& daemon) const;

    sdk::Host m_host;
    std::filesystem::path m_runtime_dir;
    // Declared before the daemons: they must be gone before its thread ends.
    std::unique_ptr<PrivateMountNamespace> m_namespace;
    std::vector<Daemon> m_daemons;
};

}  // namespace vmtest::virtiofs
