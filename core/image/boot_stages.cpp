#include "image/boot_stages.hpp"

#include <array>
#include <string_view>
#include <utility>

namespace vmtest::image {

namespace {

using Sign = std::pair<std::string_view, BootStage>;

// Latest stage first: a line that shows two shows the later one.
constexpr std::array k_signs = {
    Sign{" login: ", BootStage::booted},
    Sign{"Reached target multi-user.target", BootStage::booted},
    Sign{"Reached target Multi-User System", BootStage::booted},
    Sign{"Reached target Graphical Interface", BootStage::booted},
    Sign{"systemd[1]: ", BootStage::init},
    Sign{"INIT: version", BootStage::init},
    Sign{"Run /sbin/init as init process", BootStage::init},
    Sign{"Linux version ", BootStage::kernel},
    // Not "Welcome to ..." for an init: GRUB says "Welcome to GRUB!".
    Sign{"GRUB", BootStage::bootloader},
    Sign{"Booting `", BootStage::bootloader},
    Sign{"BdsDxe: starting ", BootStage::bootloader},
    Sign{"Booting from Hard Disk", BootStage::bootloader},
    Sign{"SYSLINUX", BootStage::bootloader},
};

} // namespace

const char* stage_name(BootStage stage) {
    switch (stage) {
    case BootStage::firmware:
        return "firmware";
    case BootStage::bootloader:
        return "bootloader";
    case BootStage::kernel:
        return "kernel";
    case BootStage::init:
        return "init";
    case BootStage::booted:
        return "booted";
    }
    return "unknown";
}

std::optional<BootStage> stage_shown_by(const std::string& line) {
    for (const auto& [text, stage] : k_signs) {
        if (line.find(text) != std::string::npos) {
            return stage;
        }
    }
    // A login prompt waits for input: it ends the line without a newline.
    if (line.ends_with(" login:")) {
        return BootStage::booted;
    }
    return std::nullopt;
}

bool BootStageTracker::observe(const std::string& line) {
    const auto shown = stage_shown_by(line);
    if (!shown || *shown <= m_stage) {
        return false;
    }
    m_stage = *shown;
    return true;
}

} // namespace vmtest::image
