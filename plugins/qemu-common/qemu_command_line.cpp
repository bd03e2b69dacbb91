#include "qemu_command_line.hpp"

#include <cctype>
#include <cstdint>

#include "qemu_machine.hpp"
#include "vmtest/plugin-support/split_words.hpp"
#include "vmtest/sdk/plugin.hpp"

namespace vmtest::qemu {

namespace {

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

void add_cpu(std::vector<std::string>& argv, const sdk::VmSpec& spec, Accelerator accelerator,
             const QemuOptions& options) {
    if (accelerator == Accelerator::tcg) {
        add(argv, {"-accel", spec.cpus > 1 ? "tcg,thread=multi" : "tcg", "-cpu",
                   machine_for(spec.arch).tcg_cpu});
        return;
    }
    add(argv, {"-accel", "kvm"});
    // Upstream vmtest takes it as one string: "-cpu host,pmu=off" or "host,pmu=off".
    auto words = util::split_words(options.kvm_cpu_args);
    if (words.empty()) {
        add(argv, {"-cpu", "host"});
    } else if (words.front().starts_with("-")) {
        argv.insert(argv.end(), words.begin(), words.end());  // full QEMU arguments
    } else {
        add(argv, {"-cpu", options.kvm_cpu_args});  // just the -cpu value
    }
}

void add_attachment(std::vector<std::string>& argv, const sdk::Attachment& a, std::size_t index,
                    const sdk::VmSpec& spec) {
    const std::string id = "share" + std::to_string(index);
    if (a.type == "9p") {
        // multidevs=remap: the host root spans several filesystems, whose
        // inode numbers would otherwise collide in the guest.
        add(argv, {"-fsdev", "local,id=" + id + ",path=" + escaped(a.path) +
                                 ",security_model=none,multidevs=remap" +
                                 (a.readonly ? ",readonly=on" : ""),
                   "-device", "virtio-9p-pci,fsdev=" + id + ",mount_tag=" + a.tag});
    } else if (a.type == "vhost-user-fs") {
        add(argv, {"-chardev", "socket,id=" + id + ",path=" + escaped(a.socket), "-device",
                   "vhost-user-fs-pci,chardev=" + id + ",tag=" + a.tag});
    } else {
        throw sdk::unsupported("QEMU cannot attach a share of type '" + a.type +
                               "' (supported: 9p, vhost-user-fs)");
    }
    (void)spec;
}

// The guest RAM size for a memory backend object. -m reads a number without
// a unit as MiB, an object's size as bytes: say MiB explicitly.
std::string memory_backend_size(const sdk::VmSpec& spec) {
    if (spec.memory_bytes > 0) {
        return std::to_string(spec.memory_bytes);
    }
    const std::string& memory = spec.memory;
    if (!memory.empty() && std::isdigit(static_cast<unsigned char>(memory.back()))) {
        return memory + "M";
    }
    return memory;
}

// -m: the size in bytes (Since ABI 1.2) when the host gave it, else the
// QEMU-syntax text. QEMU reads a plain -m number as MiB.
std::string memory_argument(const sdk::VmSpec& spec) {
    constexpr std::uint64_t k_mib = 1024 * 1024;
    if (spec.memory_bytes == 0) {
        return spec.memory;
    }
    return spec.memory_bytes % k_mib == 0 ? std::to_string(spec.memory_bytes / k_mib) + "M"
                                          : std::to_string(spec.memory_bytes) + "B";
}

void add_disk(std::vector<std::string>& argv, const sdk::Disk& disk) {
    if (disk.format != "raw" && disk.format != "qcow2") {
        throw sdk::unsupported("QEMU backends attach raw and qcow2 disks, not '" + disk.format +
                               "' (" + disk.path + ")");
    }
    add(argv, {"-drive", "file=" + escaped(disk.path) + ",format=" + disk.format + ",if=virtio" +
                             (disk.read_only ? ",readonly=on" : "") +
                             (disk.snapshot ? ",snapshot=on" : "")});
}

const sdk::Disk* boot_disk(const sdk::VmSpec& spec) {
    for (const auto& disk : spec.disks) {
        if (disk.boot) {
            return &disk;
        }
    }
    return nullptr;
}

// A disk boots through firmware: SeaBIOS (QEMU's default), a firmware file
// the user gave, or UEFI's code and this VM's own variable store as the two
// flash chips OVMF expects (code read-only).
void add_disk_firmware(std::vector<std::string>& argv, const sdk::VmSpec& spec) {
    if (!spec.bios.empty()) {
        add(argv, {"-bios", spec.bios});
        return;
    }
    if (!spec.uefi) {
        return;
    }
    if (spec.uefi_code.empty() || spec.uefi_vars.empty()) {
        throw sdk::unsupported("a UEFI disk boot needs uefi_code and uefi_vars in the VM spec");
    }
    add(argv, {"-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + escaped(spec.uefi_code),
               "-drive", "if=pflash,format=raw,unit=1,file=" + escaped(spec.uefi_vars)});
}

bool needs_shared_memory(const sdk::VmSpec& spec) {
    for (const auto& a : spec.attachments) {
        if (a.type == "vhost-user-fs") {
            return true;
        }
    }
    return false;
}

}  // namespace

std::vector<std::string> supported_attachments() { return {"9p", "vhost-user-fs"}; }

std::string default_qemu_binary(const std::string& arch) { return "qemu-system-" + arch; }

std::string qemu_binary(const sdk::VmSpec& spec, const QemuOptions& options) {
    return options.qemu_command.empty() ? default_qemu_binary(spec.arch) : options.qemu_command;
}

std::string kernel_to_boot(const sdk::VmSpec& spec) {
    if (!spec.kernel_elf.empty()) {
        return spec.kernel_elf;
    }
    return spec.kernel_image.empty() ? spec.kernel : spec.kernel_image;
}

std::vector<std::string> qemu_command_line(const sdk::VmSpec& spec, Accelerator accelerator,
                                           const QemuFiles& files, const QemuOptions& options) {
    const QemuMachine machine = machine_for(spec.arch);
    const std::string kernel = kernel_to_boot(spec);
    const sdk::Disk* disk = boot_disk(spec);
    if (kernel.empty() && !disk) {
        throw sdk::unsupported("the VM spec gives neither a kernel nor a disk to boot");
    }
    if (disk && spec.arch != "x86_64" && !spec.uefi && spec.bios.empty()) {
        // QEMU's default firmware (SeaBIOS) is x86's; other boards have none.
        throw sdk::unsupported("a disk of an " + spec.arch +
                               " guest boots with UEFI only: the VM spec gives no firmware");
    }
    for (const auto& channel : spec.channels) {
        if (channel.transport != "virtio-serial") {
            throw sdk::unsupported("QEMU backends carry channels over virtio-serial, not '" +
                                   channel.transport + "' (channel " + channel.name + ")");
        }
    }
    std::vector<std::string> argv{qemu_binary(spec, options)};
    // No default devices or user config: the VM has exactly what is listed
    // here, the same on every host.
    add(argv, {"-nodefaults", "-no-user-config", "-display", "none", "-no-reboot"});
    add(argv, {"-machine", machine.machine});
    add_cpu(argv, spec, accelerator, options);
    add(argv, {"-smp", std::to_string(spec.cpus), "-m", memory_argument(spec)});
    if (needs_shared_memory(spec)) {
        // vhost-user devices map guest RAM into the helper process.
        add(argv, {"-object",
                   "memory-backend-memfd,id=mem,share=on,size=" + memory_backend_size(spec),
                   "-numa", "node,memdev=mem"});
    }
    if (disk) {
        add_disk_firmware(argv, spec);
    } else {
        if (spec.uefi || !spec.bios.empty()) {
            add(argv, {"-bios", spec.bios.empty() ? "/usr/share/ovmf/OVMF.fd" : spec.bios});
        }
        add(argv, {"-kernel", kernel, "-append", spec.cmdline});
        if (!spec.initrd.empty()) {
            add(argv, {"-initrd", spec.initrd});
        }
    }
    add(argv, {"-chardev", "file,id=console,path=" + escaped(spec.console_log), "-serial", "chardev:console"});
    if (!spec.channels.empty() || spec.interactive_console) {
        add(argv, {"-device", "virtio-serial-pci,id=vmtest-serial"});
    }
    if (spec.interactive_console) {
        // The first virtconsole is the guest's /dev/hvc0. signal=off: Ctrl-C
        // goes to the guest's shell, not to QEMU.
        add(argv, {"-chardev", "stdio,id=interactive,signal=off", "-device",
                   "virtconsole,bus=vmtest-serial.0,chardev=interactive"});
    }
    for (std::size_t i = 0; i < spec.channels.size(); ++i) {
        const auto& channel = spec.channels[i];
        const std::string id = "channel" + std::to_string(i);
        // server=on,wait=off: QEMU listens and boots at once; the runner
        // connects whenever it is ready.
        add(argv, {"-chardev", "socket,id=" + id + ",path=" + escaped(channel.socket) +
                                   ",server=on,wait=off",
                   "-device", "virtserialport,bus=vmtest-serial.0,chardev=" + id +
                                  ",name=" + channel.name});
    }
    for (std::size_t i = 0; i < spec.attachments.size(); ++i) {
        add_attachment(argv, spec.attachments[i], i, spec);
    }
    // The boot disk first: the firmware boots the first disk it finds.
    if (disk) {
        add_disk(argv, *disk);
    }
    for (const auto& other : spec.disks) {
        if (&other != disk) {
            add_disk(argv, other);
        }
    }
    add(argv, {"-qmp", "unix:" + escaped(files.qmp_socket.string()) + ",server=on,wait=off"});
    argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
    return argv;
}

}  // namespace vmtest::qemu
