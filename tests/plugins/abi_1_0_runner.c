/* A runner built against ABI 1.0, before documents could carry bytes that
 * are not UTF-8: the host must refuse to hand it such bytes (it would get
 * U+FFFD instead) rather than run the wrong command. It does nothing. */
#include <stddef.h>

#include "vmtest/sdk/plugin.h"

static int instance;

static vmtest_status create(const vmtest_host_api* host, const char* config,
                            vmtest_instance** out, vmtest_reply* reply) {
    (void)host, (void)config, (void)reply;
    *out = (vmtest_instance*)&instance;
    return VMTEST_OK;
}

static void destroy(vmtest_instance* self) { (void)self; }

static vmtest_status describe(vmtest_instance* self, vmtest_reply* reply) {
    (void)self;
    reply->set_json(reply, "{\"channels\": [\"org.qemu.guest_agent.0\"], \"guest_agent\": "
                           "{\"candidates\": [\"/usr/sbin/qemu-ga\", \"/usr/bin/qemu-ga\"]}}");
    return VMTEST_OK;
}

static vmtest_status connect(vmtest_instance* self, const char* channels, vmtest_reply* reply) {
    (void)self, (void)channels, (void)reply;
    return VMTEST_OK;
}

static vmtest_status run(vmtest_instance* self, const char* command, vmtest_reply* reply) {
    (void)self, (void)command;
    reply->set_json(reply, "{\"exit_code\": 0}");
    return VMTEST_OK;
}

/* The size of ABI 1.0's runner table, which ends with `run` (so the plugin
 * stays a 1.0 one however the table grows). */
static const vmtest_runner_ops ops = {offsetof(vmtest_runner_ops, run) + sizeof(ops.run),
                                      describe, connect, run};

static const vmtest_plugin_descriptor descriptor = {
    sizeof(vmtest_plugin_descriptor), 1, 0, VMTEST_KIND_RUNNER, "abi-1-0", "1.0.0",
    "a runner built for ABI 1.0", create, destroy, &ops};

VMTEST_EXPORT const vmtest_plugin_descriptor* vmtest_plugin_entry(void) { return &descriptor; }
