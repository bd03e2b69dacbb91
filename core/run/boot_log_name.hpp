// The file a target's boot log is kept in, under <state dir>/boot-logs/.
#pragma once

#include <cstddef>
#include <string>

namespace vmtest::run {

// Well within a file name's 255 bytes, with room for the hash and ".log".
inline constexpr std::size_t k_max_readable_length = 100;

// "<name>.log" when the target's name is a safe, short file name (letters,
// digits, '.', '_', '-'; at most k_max_readable_length bytes). Otherwise the
// name with each other character replaced by '_', cut to that length, then
// '~' and a hash of the real name: "测试" and "试验" get "__~<hash>.log" with
// different hashes. No kept name has a '~', so a changed name never
// collides with a kept one, and changed names collide only if their 64-bit
// hashes do.
std::string boot_log_file_name(const std::string& target_name);

// The same name with another extension: "<name>.dmesg" for the guest
// kernel's log, kept beside the boot log by the same rules.
std::string kept_log_file_name(const std::string& target_name, const std::string& extension);

}  // namespace vmtest::run
