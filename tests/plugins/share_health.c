/* A share whose helper "died": its health entry (Since 1.1) says so. Built a
 * second time with SHARE_HEALTH_ABI_1_0 as a plugin from before health: its
 * table's struct_size ends before the entry, which the host must then read
 * as absent, although this static table happens to hold a function there. */
#include <stddef.h>

#include "vmtest/sdk/plugin.h"

static int g_instance;

static vmtest_status create(const vmtest_host_api* host, const char* config,
                            vmtest_instance** out, vmtest_reply* reply) {
    (void)host;
    (void)config;
    (void)reply;
    *out = (vmtest_instance*)&g_instance;
    return VMTEST_OK;
}

static void destroy(vmtest_instance* self) { (void)self; }

static vmtest_status describe(vmtest_instance* self, vmtest_reply* reply) {
    (void)self;
    reply->set_json(reply, "{\"attachment\": \"9p\", \"guest_modules\": []}");
    return VMTEST_OK;
}

static vmtest_status unused(vmtest_instance* self, const char* json, vmtest_reply* reply) {
    (void)self;
    (void)json;
    reply->set_error(reply, "not used by the test");
    return VMTEST_ERROR;
}

static vmtest_status release(vmtest_instance* self, vmtest_reply* reply) {
    (void)self;
    (void)reply;
    return VMTEST_OK;
}

static vmtest_status health(vmtest_instance* self, vmtest_reply* reply) {
    (void)self;
    reply->set_error(reply, "test-helper serving /srv was killed by signal 9 (Killed)");
    return VMTEST_ERROR;
}

#ifdef SHARE_HEALTH_ABI_1_0
#define NAME "health-abi-1-0"
#define MINOR 0
#define TABLE_SIZE offsetof(vmtest_share_ops, health)
#else
#define NAME "health"
#define MINOR VMTEST_ABI_MINOR
#define TABLE_SIZE sizeof(vmtest_share_ops)
#endif

static const vmtest_share_ops ops = {TABLE_SIZE, describe, unused, release, unused, health};

static const vmtest_plugin_descriptor descriptor = {
    sizeof(vmtest_plugin_descriptor), VMTEST_ABI_MAJOR, MINOR, VMTEST_KIND_SHARE, NAME, "1.0.0",
    "a share with a dead helper", create, destroy, &ops};

VMTEST_EXPORT const vmtest_plugin_descriptor* vmtest_plugin_entry(void) { return &descriptor; }
