#include "image/image_overlay.hpp"

#include <chrono>
#include <stdexcept>

#include "vmtest/plugin-support/child_process.hpp"
#include "vmtest/plugin-support/find_program.hpp"
#include "vmtest/plugin-support/text_file.hpp"

namespace vmtest::image {

namespace {

namespace fs = std::filesystem;

// qemu-img only writes a small header; it takes milliseconds.
constexpr auto k_qemu_img_timeout = std::chrono::seconds(30);

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.pop_back();
    }
    return text;
}

} // namespace

std::vector<std::string> overlay_command(const fs::path& image, DiskFormat format,
                                         const fs::path& overlay) {
    return {"qemu-img",
            "create",
            "-q",
            "-f",
            "qcow2",
            "-b",
            fs::absolute(image).lexically_normal().string(),
            "-F",
            format_name(format),
            overlay.string()};
}

sdk::Disk boot_disk(const fs::path& image, DiskFormat format, bool writable,
                    const fs::path& run_dir) {
    sdk::Disk disk;
    disk.boot = true;
    if (writable) {
        disk.path = fs::absolute(image).string();
        disk.format = format_name(format);
        return disk;
    }
    const fs::path overlay = run_dir / "overlay.qcow2";
    const auto argv = overlay_command(image, format, overlay);
    if (!util::find_program(argv.front())) {
        throw std::runtime_error("qemu-img not found (install qemu-utils): image targets boot "
                                 "an overlay it creates, to leave the image unchanged");
    }
    const fs::path errors = run_dir / "qemu-img.stderr";
    util::ChildProcess qemu_img(util::SpawnOptions{argv, std::nullopt, errors});
    const auto exit = qemu_img.wait_for(k_qemu_img_timeout);
    if (!exit || exit->exit_code != 0) {
        const std::string detail = trimmed(util::read_text_file(errors));
        throw std::runtime_error("cannot create an overlay for image " + image.string() + ": " +
                                 (exit ? detail : "qemu-img did not finish"));
    }
    disk.path = overlay.string();
    disk.format = "qcow2";
    return disk;
}

} // namespace vmtest::image
