#include "kvm_probe.hpp"

#include <cstdio>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "qemu_command_line.hpp"
#include "qemu_machine.hpp"
#include "vmtest/plugin-support/child_process.hpp"
#include "vmtest/plugin-support/find_program.hpp"
#include "vmtest/plugin-support/text_file.hpp"
#include "vmtest/sdk/bytes.hpp"

namespace vmtest::qemu {

namespace {

// Where KVM works, a disk reaches its kernel in a few seconds.
constexpr std::chrono::milliseconds k_disk_probe_deadline = std::chrono::seconds(20);

// "5.0", "20": a deadline's seconds as people write them.
std::string seconds_text(std::chrono::milliseconds deadline) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", deadline.count() / 1000.0);
    std::string result = text;
    return result.ends_with(".0") && deadline.count() >= 10000 ? result.substr(0, result.size() - 2)
                                                                : result;
}

std::optional<std::string> check_device() {
    const int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        return std::string("cannot open /dev/kvm: ") + std::strerror(errno);
    }
    const int version = ioctl(fd, KVM_GET_API_VERSION, 0);
    close(fd);
    if (version != KVM_API_VERSION) {
        return "/dev/kvm has API version " + std::to_string(version) + ", expected " +
               std::to_string(KVM_API_VERSION);
    }
    return std::nullopt;
}

// Everything the verdict depends on; a change to any of it re-probes.
nlohmann::json verdict_key(const sdk::VmSpec& spec, const QemuOptions& options) {
    utsname host{};
    uname(&host);
    const std::string program = qemu_binary(spec, options);
    const std::string binary = util::find_program(program).value_or(program).string();
    struct stat info {};
    stat(binary.c_str(), &info);
    // As text (a path or flag may hold bytes that are not UTF-8), so the key
    // read back from the cache file compares equal.
    return {{"host_kernel", sdk::to_utf8(std::string(host.release) + " " + host.version)},
            {"qemu", sdk::to_utf8(binary)},
            {"qemu_size", info.st_size},
            {"qemu_mtime", info.st_mtime},
            {"kvm_cpu_args", sdk::to_utf8(options.kvm_cpu_args)}};
}

std::filesystem::path verdict_file(const sdk::VmSpec& spec) {
    return std::filesystem::path(spec.cache_dir) / "kvm-verdict.json";
}

std::optional<nlohmann::json> cached_verdict(const sdk::VmSpec& spec, const nlohmann::json& key) {
    try {
        std::ifstream in(verdict_file(spec));
        if (!in) {
            return std::nullopt;
        }
        const auto stored = nlohmann::json::parse(in);
        if (stored.at("key") == key) {
            return stored;
        }
    } catch (const std::exception&) {
        // A damaged cache entry is just a miss.
    }
    return std::nullopt;
}

void store_verdict(const sdk::VmSpec& spec, const nlohmann::json& key,
                   const std::optional<std::string>& failure) {
    if (spec.cache_dir.empty()) {
        return;
    }
    const auto file = verdict_file(spec);
    const auto temp = file.string() + ".tmp." + std::to_string(getpid());
    {
        std::ofstream out(temp);
        // The reason may quote QEMU's own output, in any encoding.
        out << nlohmann::json{{"key", key}, {"usable", !failure}, {"reason", failure.value_or("")}}
                   .dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    std::error_code ignored;
    std::filesystem::rename(temp, file, ignored);
}

std::optional<std::string> boot_probe(const sdk::Host& host, const sdk::VmSpec& spec,
                                      const QemuOptions& options,
                                      std::chrono::milliseconds deadline) {
    const std::filesystem::path dir = spec.runtime_dir;
    sdk::VmSpec probe;
    probe.arch = spec.arch;
    probe.kernel = kernel_to_boot(spec);
    probe.cpus = 1;
    probe.memory = "256M";
    probe.console_log = (dir / "kvm-probe.console").string();
    // No root: the kernel panics right after booting and QEMU exits.
    probe.cmdline = machine_for(spec.arch).console_args + " panic=-1 rdinit=/vmtest-no-init";
    // Not the user's extra_args: the probe only asks whether KVM runs guest code.
    if (probe.kernel.empty()) {
        // A disk boot (Since ABI 1.3) has no kernel of its own to try: boot
        // the disk itself, its writes discarded, until its kernel greets on
        // the serial console. Firmware alone is no proof: where nested KVM
        // is broken, SeaBIOS and GRUB run and the kernel then hangs. Going
        // through firmware and bootloader takes longer than a bare kernel.
        for (auto disk : spec.disks) {
            disk.snapshot = true;
            probe.disks.push_back(disk);
        }
        probe.uefi = spec.uefi;
        probe.uefi_code = spec.uefi_code;
        probe.uefi_vars = spec.uefi_vars;
        probe.bios = spec.bios;
        deadline = std::max(deadline, k_disk_probe_deadline);
    }
    auto argv = qemu_command_line(probe, Accelerator::kvm, {dir / "kvm-probe.qmp"},
                                  {options.qemu_command, options.kvm_cpu_args, {}});
    const auto stderr_file = dir / "kvm-probe.stderr";
    util::ChildProcess qemu({argv, std::nullopt, stderr_file});

    const auto give_up = std::chrono::steady_clock::now() + deadline;
    std::optional<std::string> failure;
    while (true) {
        if (util::read_text_file(probe.console_log).find("Linux version") != std::string::npos) {
            break;  // the guest runs kernel code: KVM works
        }
        if (auto exit = qemu.poll()) {
            const auto lines = util::last_lines(util::read_text_file(stderr_file), 1);
            failure = "QEMU exited with status " + std::to_string(exit->exit_code) +
                      " under KVM" + (lines.empty() ? "" : ": " + lines.front());
            break;
        }
        if (host.should_stop()) {
            throw sdk::cancelled("KVM probe interrupted");
        }
        if (std::chrono::steady_clock::now() >= give_up) {
            failure = "a KVM guest printed nothing in " +
                      seconds_text(deadline) +
                      " s (broken nested virtualization?)";
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    qemu.terminate(std::chrono::milliseconds(500));
    return failure;
}

}  // namespace

std::optional<std::string> probe_kvm(const sdk::Host& host, const sdk::VmSpec& spec,
                                     const QemuOptions& options,
                                     std::chrono::milliseconds deadline) {
    if (auto failure = check_device()) {
        return failure;
    }
    const auto key = verdict_key(spec, options);
    if (auto stored = cached_verdict(spec, key)) {
        host.debug("KVM verdict from cache: " + stored->dump());
        if (stored->value("usable", false)) {
            return std::nullopt;
        }
        return stored->value("reason", "KVM unusable") + " (cached verdict; delete " +
               verdict_file(spec).string() + " to probe again)";
    }
    const auto started = std::chrono::steady_clock::now();
    auto failure = boot_probe(host, spec, options, deadline);
    host.debug("KVM probe took " +
               std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now() - started)
                                  .count()) +
               " ms: " + failure.value_or("usable"));
    store_verdict(spec, key, failure);
    return failure;
}

}  // namespace vmtest::qemu
