// Not built: input of Sdk.IncludeWallScanFindsCoreIncludes, which expects the
// scan to report exactly the three includes marked "breach".
#include <string>

#include "vmtest/sdk/plugin.h"
#include "util/runtime_dir.hpp"             // breach: core/ include root
#include <boot/cpio_writer.hpp>             // breach: same, angle brackets
#include "../../../core/config/target.hpp"  // breach: relative path into core/
#include "breach.hpp"                       // not core: does not exist anywhere
