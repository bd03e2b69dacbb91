#include "config/target.hpp"

namespace vmtest::config {

bool Target::is_image() const { return image.has_value(); }

bool Target::is_interactive() const { return command == "-"; }

bool is_supported_arch(std::string_view arch) { return arch == k_default_arch; }

}  // namespace vmtest::config
