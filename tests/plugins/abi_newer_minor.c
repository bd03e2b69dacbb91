/* A plugin needing a newer minor ABI than the host has: refused too (it may
 * rely on calls this host does not offer). */
#include "vmtest/sdk/plugin.h"

static const vmtest_plugin_descriptor descriptor = {
    sizeof(vmtest_plugin_descriptor), VMTEST_ABI_MAJOR, VMTEST_ABI_MINOR + 1, VMTEST_KIND_REPORTER,
    "newer-minor", "1.0.0", "built for a newer minor ABI", 0, 0, 0};

VMTEST_EXPORT const vmtest_plugin_descriptor* vmtest_plugin_entry(void) { return &descriptor; }
