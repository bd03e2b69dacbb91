// Registers QgaRunner as the "qga" runner plugin.
#include "qga_runner.hpp"

VMTEST_RUNNER_PLUGIN(vmtest::runner_qga::QgaRunner, "qga", "0.1.0",
                     "Runs commands through qemu-guest-agent")
