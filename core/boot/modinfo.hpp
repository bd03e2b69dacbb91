// What a kernel module says about itself. Every .ko carries a `.modinfo`
// ELF section of NUL-separated "key=value" strings (what `modinfo` prints);
// `depends=9pnet,netfs` names the modules it needs. That is what depmod
// builds modules.dep from, so vmtest can resolve dependencies where no
// modules.dep exists: in a kernel package (depmod runs at install time) and
// in a kernel build tree (only modules_install runs depmod).
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vmtest::boot {

// The module file's bytes, decompressed when it is a .ko.xz, .ko.zst or
// .ko.gz. Throws BootError naming the file.
[[nodiscard]] std::vector<std::byte> read_module_file(const std::filesystem::path& path);

// The "key=value" entries of the `.modinfo` section of a 64-bit
// little-endian ELF object, in order. `what` names the module in errors.
// Throws BootError when `elf` is not such an object; a module without the
// section has no entries.
[[nodiscard]] std::vector<std::pair<std::string, std::string>>
read_modinfo(std::span<const std::byte> elf, std::string_view what);

// The modules `file` depends on (normalized names, as its `depends=` field
// lists them). Throws BootError.
[[nodiscard]] std::vector<std::string> module_dependencies(const std::filesystem::path& file);

} // namespace vmtest::boot
