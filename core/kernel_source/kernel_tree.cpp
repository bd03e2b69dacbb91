#include "kernel_source/kernel_tree.hpp"

#include <algorithm>
#include <vector>

#include "kernel_source/kernel_source_error.hpp"

namespace vmtest::kernel_source {
namespace {

namespace fs = std::filesystem;

// The image a build leaves, per arch; arm64's uncompressed Image first, as it
// boots without QEMU decompressing it (`make` writes both).
constexpr std::string_view k_build_tree_images[] = {
    "arch/x86/boot/bzImage", "arch/arm64/boot/Image", "arch/arm64/boot/Image.gz"};
constexpr std::string_view k_module_roots[] = {"lib/modules", "usr/lib/modules"};

bool is_regular(const fs::path& path) {
    std::error_code error;
    return fs::is_regular_file(path, error);
}

bool is_dir(const fs::path& path) {
    std::error_code error;
    return fs::is_directory(path, error);
}

// The vmlinuz-* files directly in `dir`, sorted.
std::vector<fs::path> installed_images(const fs::path& dir) {
    std::vector<fs::path> images;
    std::error_code error;
    for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
        if (it->path().filename().string().rfind("vmlinuz-", 0) == 0 && is_regular(it->path())) {
            images.push_back(it->path());
        }
    }
    std::sort(images.begin(), images.end());
    return images;
}

} // namespace

KernelDirectory inspect_kernel_directory(const fs::path& dir) {
    for (const fs::path& images_dir : {dir / "boot", dir}) {
        const auto images = installed_images(images_dir);
        if (images.size() == 1) {
            return {KernelDirectory::Layout::installed, images.front()};
        }
        if (images.size() > 1) {
            std::string names;
            for (const auto& image : images) {
                names += (names.empty() ? "" : ", ") + image.lexically_relative(dir).string();
            }
            throw KernelSourceError(dir.string() + " holds several kernels (" + names +
                                    "); name one as the kernel and " + dir.string() +
                                    " as its modules");
        }
    }
    std::string build_tree_images;
    for (std::string_view image : k_build_tree_images) {
        if (is_regular(dir / image)) {
            return {KernelDirectory::Layout::build_tree, dir / image};
        }
        build_tree_images += (build_tree_images.empty() ? "" : ", ") + std::string(image);
    }
    throw KernelSourceError(dir.string() +
                            " holds no kernel: neither boot/vmlinuz-* (an installed "
                            "kernel) nor " +
                            build_tree_images + " (a built kernel tree)");
}

std::optional<fs::path> find_modules_directory(const fs::path& dir, const std::string& release) {
    if (!release.empty()) {
        for (std::string_view root : k_module_roots) {
            const fs::path candidate = dir / root / release;
            if (is_dir(candidate)) {
                return candidate;
            }
        }
    }
    if (is_regular(dir / "modules.dep") || is_regular(dir / "modules.order")) {
        return dir;
    }
    return std::nullopt;
}

std::string describe_module_releases(const fs::path& dir) {
    std::vector<std::string> found;
    for (std::string_view root : k_module_roots) {
        std::error_code error;
        for (fs::directory_iterator it(dir / root, error), end; !error && it != end;
             it.increment(error)) {
            if (is_dir(it->path())) {
                found.push_back(it->path().lexically_relative(dir).string());
            }
        }
    }
    std::sort(found.begin(), found.end());
    std::string text;
    for (const auto& entry : found) {
        text += (text.empty() ? "" : ", ") + entry;
    }
    return text;
}

} // namespace vmtest::kernel_source
