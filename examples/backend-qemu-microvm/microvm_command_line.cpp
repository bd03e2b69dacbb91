// microvm is QEMU's minimal x86 machine: no PCI, no legacy chipset beyond
// an ISA serial port, a PIT, a PIC and an RTC, and virtio devices on
// virtio-mmio transports. Its default firmware, qboot, does little more than
// jump into the kernel, which is why it boots faster than q35 with SeaBIOS.
//
// Each part of the spec maps to QEMU the way vmtest's built-in backends map
// it (plugins/qemu-common/qemu_command_line.cpp), with the *-device variant
// of each virtio device instead of *-pci:
//
//   console_log  -> the ISA serial port (ttyS0), written to that file
//   channels     -> virtserialports on one virtio-serial-device
//   "9p"         -> -fsdev local + virtio-9p-device
//   "vhost-user-fs" -> vhost-user-fs-device on the daemon's socket, with
//                   guest RAM in a shared memfd (the daemon maps it)
#include "microvm_command_line.hpp"

#include <cctype>
#include <initializer_list>

#include <vmtest/sdk/plugin.hpp>

namespace microvm {

namespace {

using vmtest::sdk::VmSpec;

// QEMU option values are comma-separated; a comma inside a value is doubled.
std::string escaped(const std::string& value) {
    std::string out;
    for (char c : value) {
        out += c;
        if (c == ',') {
            out += ',';
        }
    }
    return out;
}

void add(std::vector<std::string>& argv, std::initializer_list<std::string> words) {
    argv.insert(argv.end(), words);
}

bool needs_shared_memory(const VmSpec& spec) {
    for (const auto& a : spec.attachments) {
        if (a.type == "vhost-user-fs") {
            return true;
        }
    }
    return false;
}

// The guest's RAM in bytes (the spec's memory_bytes, since ABI 1.2, which
// is not QEMU's -m text), with QEMU's unit for bytes: -m reads a bare
// number as MiB.
std::string memory_size(const VmSpec& spec) { return std::to_string(spec.memory_bytes) + "B"; }

void add_machine(std::vector<std::string>& argv, const VmSpec& spec) {
    // acpi=on: the kernel finds the virtio-mmio devices in the ACPI tables
    // (Debian's kernel, like most distribution kernels, is built without
    // CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES, so virtio_mmio.device= would not
    // do), and init's poweroff reaches QEMU through ACPI.
    std::string machine = "microvm,acpi=on";
    if (needs_shared_memory(spec)) {
        // A vhost-user daemon maps the guest's RAM, so it must be shared
        // memory: the machine's RAM comes from this backend object.
        add(argv, {"-object",
                   "memory-backend-memfd,id=vmtest-ram,share=on,size=" +
                       memory_size(spec)});
        machine += ",memory-backend=vmtest-ram";
    }
    add(argv, {"-machine", machine});
    // QEMU's virtio-mmio transports default to the legacy (pre-1.0) virtio
    // interface, which vhost-user daemons refuse ("virtio legacy devices
    // aren't supported by libvhost-user"): every device speaks virtio 1.0.
    add(argv, {"-global", "virtio-mmio.force-legacy=false"});
}

void add_cpu(std::vector<std::string>& argv, const VmSpec& spec, Accelerator accelerator) {
    if (accelerator == Accelerator::kvm) {
        add(argv, {"-accel", "kvm", "-cpu", "host"});
    } else {
        // "max": every feature TCG emulates, as vmtest's qemu-tcg gives.
        add(argv, {"-accel", spec.cpus > 1 ? "tcg,thread=multi" : "tcg", "-cpu", "max"});
    }
    add(argv, {"-smp", std::to_string(spec.cpus), "-m", memory_size(spec)});
}

void add_channels(std::vector<std::string>& argv, const VmSpec& spec) {
    if (spec.channels.empty()) {
        return;
    }
    add(argv, {"-device", "virtio-serial-device,id=vmtest-serial"});
    for (std::size_t i = 0; i < spec.channels.size(); ++i) {
        const auto& channel = spec.channels[i];
        const std::string id = "channel" + std::to_string(i);
        // server=on,wait=off: QEMU listens and boots at once; the runner
        // connects whenever it is ready.
        add(argv, {"-chardev",
                   "socket,id=" + id + ",path=" + escaped(channel.socket) + ",server=on,wait=off",
                   "-device",
                   "virtserialport,bus=vmtest-serial.0,chardev=" + id + ",name=" + channel.name});
    }
}

void add_attachment(std::vector<std::string>& argv, const vmtest::sdk::Attachment& a,
                    std::size_t index) {
    const std::string id = "share" + std::to_string(index);
    if (a.type == "9p") {
        // multidevs=remap: the host root spans several filesystems, whose
        // inode numbers would otherwise collide in the guest.
        add(argv, {"-fsdev",
                   "local,id=" + id + ",path=" + escaped(a.path) +
                       ",security_model=none,multidevs=remap" + (a.readonly ? ",readonly=on" : ""),
                   "-device", "virtio-9p-device,fsdev=" + id + ",mount_tag=" + a.tag});
    } else if (a.type == "vhost-user-fs") {
        add(argv, {"-chardev", "socket,id=" + id + ",path=" + escaped(a.socket), "-device",
                   "vhost-user-fs-device,chardev=" + id + ",tag=" + a.tag});
    } else {
        throw vmtest::sdk::unsupported("qemu-microvm cannot attach a share of type '" + a.type +
                                       "' (supported: 9p, vhost-user-fs)");
    }
}

}  // namespace

std::vector<std::string> supported_attachments() { return {"9p", "vhost-user-fs"}; }

std::string qemu_binary(const VmSpec& spec) {
    return spec.qemu_command.empty() ? "qemu-system-" + spec.arch : spec.qemu_command;
}

std::string microvm_kernel_command_line(const VmSpec& spec, const MicrovmSettings& settings) {
    // vmtest's own words (console=ttyS0 earlyprintk=serial,ttyS0) already
    // suit microvm's ISA serial port; only what the guest should know of
    // its TSC is added (host_tsc.hpp says why). Under KVM it has kvm-clock.
    std::string cmdline = spec.cmdline;
    if (settings.accelerator == Accelerator::tcg) {
        if (settings.tsc_khz) {
            cmdline += " tsc_early_khz=" + std::to_string(*settings.tsc_khz);
        }
        if (settings.tsc_reliable) {
            cmdline += " tsc=reliable";
        }
    }
    return cmdline;
}

std::vector<std::string> microvm_command_line(const VmSpec& spec, const MicrovmSettings& settings) {
    if (spec.arch != "x86_64") {
        throw vmtest::sdk::unsupported("microvm is an x86_64 machine; arch '" + spec.arch +
                                       "' is not supported");
    }
    if (spec.kernel.empty()) {
        throw vmtest::sdk::unsupported("qemu-microvm boots kernels, not disk images");
    }
    if (spec.uefi) {
        throw vmtest::sdk::unsupported("qemu-microvm has no UEFI firmware");
    }
    if (spec.interactive_console) {
        throw vmtest::sdk::unsupported("qemu-microvm has no interactive console; use qemu-tcg");
    }
    std::vector<std::string> argv{qemu_binary(spec)};
    // Exactly the devices listed here, the same on every host.
    add(argv, {"-nodefaults", "-no-user-config", "-display", "none", "-no-reboot"});
    add_machine(argv, spec);
    add_cpu(argv, spec, settings.accelerator);
    if (!spec.bios.empty()) {
        add(argv, {"-bios", spec.bios});  // else microvm's default, qboot
    }
    add(argv, {"-kernel", spec.kernel, "-append", microvm_kernel_command_line(spec, settings)});
    if (!spec.initrd.empty()) {
        add(argv, {"-initrd", spec.initrd});
    }
    // microvm's ISA serial port takes the first -serial: the guest's ttyS0,
    // where vmtest reads panics and boot failures from.
    add(argv, {"-chardev", "file,id=console,path=" + escaped(spec.console_log), "-serial",
               "chardev:console"});
    add_channels(argv, spec);
    for (std::size_t i = 0; i < spec.attachments.size(); ++i) {
        add_attachment(argv, spec.attachments[i], i);
    }
    argv.insert(argv.end(), spec.extra_args.begin(), spec.extra_args.end());
    return argv;
}

}  // namespace microvm
