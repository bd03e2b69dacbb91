#include "qemu_backend.hpp"

#include <unistd.h>

#include "kvm_probe.hpp"
#include "qemu_machine.hpp"
#include "qmp_client.hpp"
#include "vmtest/plugin-support/find_program.hpp"
#include "vmtest/plugin-support/text_file.hpp"

namespace vmtest::qemu {

namespace {

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.pop_back();
    }
    return text;
}

}  // namespace

QemuBackend::QemuBackend(sdk::Host host, const nlohmann::json& config, Accelerator accelerator)
    : m_host(host), m_accelerator(accelerator),
      m_probe_timeout(config.value("probe_timeout_ms", 5000)),
      m_options{config.value("qemu_command", ""), config.value("kvm_cpu_args", ""),
                config.value("extra_args", std::vector<std::string>{})} {
    if (m_probe_timeout.count() <= 0) {
        throw sdk::Error("option probe_timeout_ms must be positive, got " +
                         std::to_string(m_probe_timeout.count()));
    }
}

QemuBackend::~QemuBackend() {
    if (m_qemu) {
        m_qemu->terminate(std::chrono::milliseconds(1000));
    }
}

sdk::BackendDescription QemuBackend::describe() {
    sdk::BackendDescription description;
    description.attachments = supported_attachments();
    // Software emulation boots a kernel many times slower than KVM, and a
    // debug kernel takes a minute even under KVM.
    description.boot_timeout_s = m_accelerator == Accelerator::kvm ? 120 : 600;
    // "auto": KVM when its probe proves it works, else TCG; both above a
    // third-party backend that declares no priority.
    description.priority = m_accelerator == Accelerator::kvm ? 200 : 100;
    // KVM runs guests of the host's own arch only; TCG emulates any.
    description.arches =
        m_accelerator == Accelerator::kvm ? std::vector{host_arch()} : supported_arches();
    description.kernel_formats = {"elf", "bzImage", "Image"};
    description.disk_firmwares = {"bios", "uefi"};
    description.options = {
        {"probe_timeout_ms",
         {"integer", "how long KVM's probe waits for the kernel's first line (default 5000)"}},
        {"qemu_command", {"string", "emulator to run (default qemu-system-<arch>)"}},
        {"kvm_cpu_args",
         {"string", "-cpu value under KVM, or whole QEMU options (default \"host\")"}},
        {"extra_args", {"string_array", "arguments appended to QEMU's"}},
    };
    return description;
}

void QemuBackend::probe(const sdk::VmSpec& spec) {
    const std::string binary = qemu_binary(spec, m_options);
    if (!util::find_program(binary)) {
        throw sdk::unsupported(binary + " not found (install " + machine_for(spec.arch).package +
                               ")");
    }
    if (m_accelerator == Accelerator::kvm) {
        if (auto failure = probe_kvm(m_host, spec, m_options, m_probe_timeout)) {
            throw sdk::unsupported(*failure);
        }
    }
}

void QemuBackend::start(const sdk::VmSpec& spec) {
    if (m_qemu) {
        throw sdk::Error("this backend instance already runs a VM");
    }
    const std::filesystem::path dir = spec.runtime_dir;
    m_stderr_file = dir / "qemu.stderr";
    m_qmp_socket = dir / "qmp.sock";
    const auto argv = qemu_command_line(spec, m_accelerator, {m_qmp_socket}, m_options);
    std::string line;
    for (const auto& arg : argv) {
        line += (line.empty() ? "" : " ") + arg;
    }
    m_host.debug("starting " + line);
    m_qemu = std::make_unique<util::ChildProcess>(
        util::SpawnOptions{argv, dir / "qemu.stdout", m_stderr_file, spec.interactive_console});
}

sdk::VmExit QemuBackend::exit_of(const util::ChildExit& exit) const {
    sdk::VmExit result;
    result.exit_code = exit.exit_code;
    result.detail = trimmed(util::read_text_file(m_stderr_file));
    return result;
}

std::optional<sdk::VmExit> QemuBackend::wait(std::chrono::milliseconds timeout) {
    if (!m_qemu) {
        throw sdk::Error("no VM was started");
    }
    const auto exit = timeout.count() < 0
                          ? m_qemu->wait_for(std::chrono::hours(24 * 365))
                          : m_qemu->wait_for(timeout);
    if (!exit) {
        return std::nullopt;
    }
    return exit_of(*exit);
}

void QemuBackend::stop(std::chrono::milliseconds grace) {
    if (!m_qemu || m_qemu->poll()) {
        return;
    }
    // Ask QEMU itself first; signals are for a QEMU that no longer answers.
    const auto half = grace / 2;
    try {
        auto qmp = protocol::QmpClient::connect(m_qmp_socket.string(), protocol::deadline_after(half),
                                                {}, [host = m_host](const std::string& line) {
                                                    host.debug(line);
                                                });
        qmp.execute("quit", protocol::deadline_after(half));
    } catch (const std::exception& e) {
        m_host.debug(std::string("QMP quit failed: ") + e.what());
    }
    if (m_qemu->wait_for(half)) {
        return;
    }
    m_qemu->terminate(half);
}

}  // namespace vmtest::qemu
