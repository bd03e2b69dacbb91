// Whether a shared object exports a symbol, read from the file without
// loading it (dlopen would run the library's static constructors).
//
// What the dynamic loader itself uses is the dynamic symbol table (.dynsym
// and its string table): it is what dlsym() finds, and it survives `strip`,
// which Debian's packaging tools and `cmake --install --strip` run on every
// shared object. (Boost.DLL's library_info reads .symtab instead, which
// strip removes: it found no entry point in a stripped plugin.)
#pragma once

#include <filesystem>
#include <string_view>

namespace vmtest::plugin_host {

// True when `file`'s dynamic symbol table defines `symbol` with global or
// weak binding. Throws std::runtime_error when `file` is not a 64-bit
// little-endian ELF file or is cut short.
bool elf_exports(const std::filesystem::path& file, std::string_view symbol);

}  // namespace vmtest::plugin_host
