// How far an image's boot got, read from its serial console: the firmware
// (from the start), the bootloader, the image's kernel, its init (systemd or
// another), and booted (a login prompt, or systemd's multi-user target).
// Only an image's own output says this; the signs below are the ones
// SeaBIOS, OVMF, GRUB, Linux and systemd print on a serial console.
#pragma once

#include <optional>
#include <string>

namespace vmtest::image {

enum class BootStage { firmware, bootloader, kernel, init, booted };

const char* stage_name(BootStage stage); // "bootloader"

// The stage a console line shows the boot has reached, if it shows one.
std::optional<BootStage> stage_shown_by(const std::string& line);

// Follows the console line by line; the stage only moves forward.
class BootStageTracker {
  public:
    // True when `line` moved the boot to a later stage.
    bool observe(const std::string& line);
    BootStage stage() const { return m_stage; }

  private:
    BootStage m_stage = BootStage::firmware;
};

} // namespace vmtest::image
