// Example backend plugin: boots the VM on QEMU's `microvm` machine.
//
// Built against the installed vmtest SDK only (see README.md). It shows the
// whole backend contract:
//   describe()  what it can attach, how long a boot may take, and (since
//               ABI 1.2) the guest modules its devices need: virtio_mmio,
//               as microvm has no PCI
//   probe()     can this host boot this spec? asks QEMU, within seconds
//   start()     starts QEMU in its own process group (plugin-support's
//               util::ChildProcess) and returns at once
//   wait()      waits for QEMU to exit, up to a timeout
//   stop()      SIGTERM to the group, SIGKILL after the grace period
//
// Config (the instance's create document): its one option, declared in
// describe(), {"accelerator": "tcg"} (the default) or "kvm". Under TCG the
// guest is told the host's TSC rate and whether it can trust its TSC
// (host_tsc.hpp).
#include <fstream>
#include <memory>
#include <sstream>

#include <vmtest/plugin-support/child_process.hpp>
#include <vmtest/sdk/plugin.hpp>

#include "host_tsc.hpp"
#include "microvm_command_line.hpp"
#include "microvm_probe.hpp"

namespace {

using namespace vmtest;
using microvm::Accelerator;

constexpr auto k_probe_limit = std::chrono::seconds(5);
constexpr auto k_wait_slice = std::chrono::milliseconds(100);

Accelerator accelerator_from(const nlohmann::json& config) {
    const std::string name = config.value("accelerator", "tcg");
    if (name == "tcg") {
        return Accelerator::tcg;
    }
    if (name == "kvm") {
        return Accelerator::kvm;
    }
    throw sdk::Error("qemu-microvm: config 'accelerator' must be \"tcg\" or \"kvm\", not \"" +
                     name + "\"");
}

std::string trimmed_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
        s.pop_back();
    }
    return s;
}

std::string joined(const std::vector<std::string>& words) {
    std::string line;
    for (const auto& word : words) {
        line += (line.empty() ? "" : " ") + word;
    }
    return line;
}

class MicrovmBackend : public sdk::Backend {
  public:
    MicrovmBackend(sdk::Host host, const nlohmann::json& config) : m_host(host) {
        m_settings.accelerator = accelerator_from(config);
    }

    sdk::BackendDescription describe() override {
        sdk::BackendDescription description;
        description.attachments = microvm::supported_attachments();
        description.boot_timeout_s = m_settings.accelerator == Accelerator::kvm ? 120 : 600;
        description.guest_modules = {"virtio_mmio"};
        // Below vmtest's qemu-tcg (100) and qemu-kvm (200), above an old
        // plugin's 0: with backend "auto" this example never displaces the
        // built-ins (which boot everything it does, and are tested far
        // more), only a backend that cannot run here. Whoever wants it
        // names it: --backend qemu-microvm.
        description.priority = 50;
        description.arches = {"x86_64"};  // microvm is an x86 machine
        // PVH entry of an ELF vmlinux (kernel_elf) or a bzImage: QEMU's
        // -kernel boots both on microvm.
        description.kernel_formats = {"elf", "bzImage"};
        // Kernels only: microvm has no firmware that boots a disk image, so
        // it declares no disk_firmwares (SDK 1.3) and vmtest never gives it
        // an image target.
        description.disk_firmwares = {};
        description.options = {
            {"accelerator", {"string", "\"tcg\" (default) or \"kvm\": how QEMU runs the guest"}}};
        return description;
    }

    void probe(const sdk::VmSpec& spec) override {
        microvm::probe_microvm(m_host, spec, m_settings, k_probe_limit);
    }

    void start(const sdk::VmSpec& spec) override {
        if (m_qemu) {
            throw sdk::Error("this qemu-microvm instance already runs a VM");
        }
        if (m_settings.accelerator == Accelerator::tcg) {
            m_settings.tsc_khz = microvm::host_tsc_khz();
            m_settings.tsc_reliable = microvm::host_trusts_tsc();
            if (!m_settings.tsc_khz) {
                m_host.warn("qemu-microvm: cannot tell the host's TSC rate; the guest calibrates "
                            "its own, which can be slow under TCG");
            }
        }
        const auto argv = microvm::microvm_command_line(spec, m_settings);
        m_stderr_path = spec.runtime_dir + "/qemu.stderr";
        m_host.debug("qemu-microvm: starting " + joined(argv));
        try {
            m_qemu = std::make_unique<util::ChildProcess>(
                util::SpawnOptions{argv, spec.runtime_dir + "/qemu.stdout", m_stderr_path, false});
        } catch (const std::exception& e) {
            throw sdk::Error("qemu-microvm: cannot start QEMU: " + std::string(e.what()));
        }
    }

    std::optional<sdk::VmExit> wait(std::chrono::milliseconds timeout) override {
        if (!m_qemu) {
            throw sdk::Error("no VM was started");
        }
        if (timeout.count() >= 0) {
            return exit_of(m_qemu->wait_for(timeout));
        }
        // Forever, but never past the host's wish to stop.
        while (!m_host.should_stop()) {
            if (auto exit = m_qemu->wait_for(k_wait_slice)) {
                return exit_of(exit);
            }
        }
        return std::nullopt;
    }

    void stop(std::chrono::milliseconds grace) override {
        // No QMP: QEMU exits cleanly on SIGTERM, and the guest's data is
        // already on the host (vmtest's init syncs and powers off first).
        if (m_qemu) {
            m_qemu->terminate(grace);
        }
    }

  private:
    std::optional<sdk::VmExit> exit_of(const std::optional<util::ChildExit>& exit) const {
        if (!exit) {
            return std::nullopt;
        }
        return sdk::VmExit{exit->exit_code, trimmed_file(m_stderr_path)};
    }

    sdk::Host m_host;
    microvm::MicrovmSettings m_settings;
    std::string m_stderr_path;
    std::unique_ptr<util::ChildProcess> m_qemu;
};

}  // namespace

VMTEST_BACKEND_PLUGIN(MicrovmBackend, "qemu-microvm", "1.0.0",
                      "QEMU microvm machine: virtio-mmio, qboot, no PCI (example)")
