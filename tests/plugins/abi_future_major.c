/* A plugin built against a future, incompatible ABI (major 2): the host
 * must refuse it with a message naming the file and both versions. Plain C,
 * which also shows the ABI needs no C++. */
#include "vmtest/sdk/plugin.h"

static const vmtest_plugin_descriptor descriptor = {
    sizeof(vmtest_plugin_descriptor), VMTEST_ABI_MAJOR + 1, 0, VMTEST_KIND_REPORTER,
    "future-major", "9.0.0", "built for ABI 2.0", 0, 0, 0};

VMTEST_EXPORT const vmtest_plugin_descriptor* vmtest_plugin_entry(void) { return &descriptor; }
