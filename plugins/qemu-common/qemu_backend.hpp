#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "qemu_command_line.hpp"
#include "vmtest/plugin-support/child_process.hpp"
#include "vmtest/sdk/plugin.hpp"

namespace vmtest::qemu {

// A VM run by one QEMU process. The qemu-kvm and qemu-tcg plugins are this
// class with a different accelerator.
//
// Config: the options describe() declares (all optional): probe_timeout_ms
// for KVM's probe, and qemu_command, kvm_cpu_args, extra_args (QemuOptions).
class QemuBackend : public sdk::Backend {
  public:
    QemuBackend(sdk::Host host, const nlohmann::json& config, Accelerator accelerator);
    ~QemuBackend() override;

    sdk::BackendDescription describe() override;
    void probe(const sdk::VmSpec& spec) override;
    void start(const sdk::VmSpec& spec) override;
    std::optional<sdk::VmExit> wait(std::chrono::milliseconds timeout) override;
    void stop(std::chrono::milliseconds grace) override;

  private:
    sdk::VmExit exit_of(const util::ChildExit& exit) const;

    sdk::Host m_host;
    Accelerator m_accelerator;
    std::chrono::milliseconds m_probe_timeout;
    QemuOptions m_options;
    std::unique_ptr<util::ChildProcess> m_qemu;
    std::filesystem::path m_stderr_file;
    std::filesystem::path m_qmp_socket;
};

}  // namespace vmtest::qemu
