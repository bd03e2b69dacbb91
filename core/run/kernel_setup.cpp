#include "run/kernel_setup.hpp"

#include <spdlog/spdlog.h>

#include "boot/initramfs_builder.hpp"
#include "boot/kernel_image.hpp"
#include "boot/module_resolver.hpp"
#include "util/file_kind.hpp"

namespace vmtest::run {
namespace {

// The VM spec's names (sdk/README.md), not the ones messages use.
std::string_view vm_spec_format(boot::KernelFormat format) {
    switch (format) {
        case boot::KernelFormat::bzimage: return "bzImage";
        case boot::KernelFormat::elf: return "elf";
        case boot::KernelFormat::arm64_image: return "Image";
        case boot::KernelFormat::unknown: return "unknown";
    }
    return "unknown";
}

// A kernel of another machine cannot boot, whatever QEMU would say about
// it later; the same kind of failure as a file that is no kernel at all
// (an infrastructure error, 69), but named before anything starts.
void require_kernel_arch(const boot::KernelImage& image, const config::Target& target) {
    if (image.arch.empty() || image.arch == target.arch) {
        return;
    }
    // Either side may be the mistake: a host's default kernel for a foreign
    // target, or a foreign kernel for a target left at the host's arch.
    std::string fixes = "give it an " + target.arch + " kernel";
    if (config::is_supported_arch(image.arch)) {
        fixes += ", or set arch = \"" + image.arch + "\" (-a " + image.arch + ")";
    }
    throw std::runtime_error("kernel " + image.path.string() + " is an " + image.arch +
                             " kernel, but target '" + target.name + "' has arch \"" +
                             target.arch + "\" (" + fixes + ")");
}

}  // namespace

KernelSetup prepare_kernel(const config::Target& target, const std::filesystem::path& cache_dir) {
    const auto& kernel_path = *target.kernel;
    if (!std::filesystem::is_regular_file(kernel_path)) {
        throw std::runtime_error(
            "kernel " + kernel_path.string() + " " +
            util::describe_unexpected_kind(kernel_path, "a kernel image file"));
    }
    KernelSetup setup;
    const auto image = boot::inspect(kernel_path);
    require_kernel_arch(image, target);
    setup.release = image.release;
    setup.boot_kernel = kernel_path;
    setup.image = kernel_path;
    setup.image_format = vm_spec_format(image.format);
    setup.pvh_elf = boot::extract_pvh_vmlinux(image, cache_dir);
    if (setup.pvh_elf) {
        setup.boot_kernel = *setup.pvh_elf;
    }
    spdlog::debug("kernel {}: release '{}', booting {}", kernel_path.string(), setup.release,
                  setup.boot_kernel.string());
    if (setup.release.empty()) {
        setup.hints.push_back("could not read the kernel release from " + kernel_path.string() +
                              ", so no modules were loaded");
    }
    return setup;
}

void resolve_guest_modules(KernelSetup& setup, const config::Target& target,
                           const std::vector<std::string>& wanted) {
    if (setup.release.empty()) {
        return;  // prepare_kernel left the hint
    }
    // The modules that came with the kernel (its package or tree, or the
    // target's `modules`) come first: the host's are another kernel's.
    std::vector<std::filesystem::path> candidates;
    if (target.modules) {
        candidates.push_back(*target.modules);
    }
    candidates.push_back(target.rootfs / "lib/modules" / setup.release);
    candidates.push_back(std::filesystem::path("/lib/modules") / setup.release);
    const auto resolution = boot::resolve_modules(wanted, candidates, setup.release);
    setup.modules = resolution.modules;
    if (!resolution.modules_dir_found) {
        std::string searched;
        for (const auto& dir : candidates) {
            searched += (searched.empty() ? "" : " and ") + dir.lexically_normal().string();
        }
        std::string needed;
        for (const auto& module : wanted) {
            needed += (needed.empty() ? "" : ", ") + module;
        }
        setup.hints.push_back("kernel " + setup.release + " has no modules in " + searched +
                              "; it needs " + needed + " built in, or its modules installed");
    }
}

void write_initramfs(const KernelSetup& kernel, boot::InitConfig init,
                     std::span<const std::byte> guest_init, const std::filesystem::path& cache_dir,
                     const std::filesystem::path& output) {
    init.modules = boot::initramfs_module_paths(kernel.modules);
    boot::InitramfsBuilder(guest_init).build(init, kernel.modules, cache_dir, output);
}

}  // namespace vmtest::run
