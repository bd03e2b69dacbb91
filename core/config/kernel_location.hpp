// Where a kernel or its modules come from, as `kernel`, `modules`, -k and
// --modules name it: a local path (a kernel image, a .deb package, a
// tarball, an installed-kernel directory or a kernel build tree) or an
// http:// or https:// URL of a file. URLs are kept exactly as written (a
// path's normalization would turn "http://h/x" into "http:/h/x"); paths
// are made absolute. core/kernel_source turns either into local files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace vmtest::config {

// True for "http://..." and "https://..." (scheme case-insensitive).
bool is_url(const std::filesystem::path& location);

// `text` as a location: a URL as it is, a relative path against `base_dir`
// (when `base_dir` is not empty), normalized.
std::filesystem::path resolve_location(const std::filesystem::path& base_dir,
                                       const std::filesystem::path& text);

// The file name a location ends in, for naming a target after its kernel:
// "bzImage-6.8" for a path; for a URL the last path segment with its query
// dropped and %XX decoded ("linux-image-6.12.9+bpo-amd64.deb").
std::string location_file_name(const std::filesystem::path& location);

// True for 64 hexadecimal digits, as `sha256sum` prints a SHA-256.
bool is_sha256_hex(std::string_view text);

} // namespace vmtest::config
