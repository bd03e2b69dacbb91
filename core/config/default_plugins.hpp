// The only plugin names vmtest's core knows: the documented defaults
// (README.md). Everything else about plugins (which backend or share "auto"
// takes, in what order) comes from what the plugins say in describe.
#pragma once

namespace vmtest::config {

inline constexpr const char* k_default_backend = "auto"; // not a plugin: choose by priority
inline constexpr const char* k_default_share = "9p";
inline constexpr const char* k_default_runner = "qga";
// Always on: the progress people read. Other reporters come on request.
inline constexpr const char* k_console_reporter = "console";

} // namespace vmtest::config
