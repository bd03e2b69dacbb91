/* A runner whose table leaves a required entry (run) NULL: the host must
 * refuse it at load, naming the entry, instead of failing mid-run. */
#include <stddef.h>

#include "vmtest/sdk/plugin.h"

static int g_instance;

static vmtest_status create(const vmtest_host_api* host, const char* config, vmtest_instance** out,
                            vmtest_reply* reply) {
    (void)host;
    (void)config;
    (void)reply;
    *out = (vmtest_instance*)&g_instance;
    return VMTEST_OK;
}

static void destroy(vmtest_instance* self) {
    (void)self;
}

static vmtest_status describe(vmtest_instance* self, vmtest_reply* reply) {
    (void)self;
    reply->set_json(reply, "{\"channels\": []}");
    return VMTEST_OK;
}

static vmtest_status connect(vmtest_instance* self, const char* channels, vmtest_reply* reply) {
    (void)self;
    (void)channels;
    (void)reply;
    return VMTEST_OK;
}

static const vmtest_runner_ops ops = {sizeof(vmtest_runner_ops), describe, connect, NULL};

static const vmtest_plugin_descriptor descriptor = {sizeof(vmtest_plugin_descriptor),
                                                    VMTEST_ABI_MAJOR,
                                                    VMTEST_ABI_MINOR,
                                                    VMTEST_KIND_RUNNER,
                                                    "null-run",
                                                    "1.0.0",
                                                    "a runner without run",
                                                    create,
                                                    destroy,
                                                    &ops};

VMTEST_EXPORT const vmtest_plugin_descriptor* vmtest_plugin_entry(void) {
    return &descriptor;
}
