/* A backend that only exists to be ranked by backend "auto": it declares
 * RANK_PRIORITY and boots RANK_ARCH guests (Since ABI 1.2), and its probe
 * says yes or no as RANK_USABLE says. Built several times under different names (tests/plugins/
 * CMakeLists.txt) to show that a third-party backend can win "auto" over
 * vmtest's own, and that auto falls through when its probe says no. It
 * never boots anything. With RANK_ABI_1_0 it is a backend built against ABI
 * 1.0 instead: no priority, and a NULL probe (NULL means "usable"). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "vmtest/sdk/plugin.h"

static int g_instance;
static char g_config[512];

static vmtest_status create(const vmtest_host_api* host, const char* config, vmtest_instance** out,
                            vmtest_reply* reply) {
    (void)host;
    (void)reply;
    snprintf(g_config, sizeof g_config, "%s", config);
    *out = (vmtest_instance*)&g_instance;
    return VMTEST_OK;
}

static void destroy(vmtest_instance* self) {
    (void)self;
}

static vmtest_status describe(vmtest_instance* self, vmtest_reply* reply) {
    (void)self;
#ifdef RANK_ABI_1_0
    reply->set_json(reply, "{\"attachments\": [\"9p\"], \"boot_timeout_s\": 60}");
#else
    char json[512];
    snprintf(json, sizeof json,
             "{\"attachments\": [\"9p\"], \"boot_timeout_s\": 60, \"priority\": %d,"
             " \"arches\": [\"%s\"], \"kernel_formats\": [\"elf\"],"
             " \"options\": {\"flavour\": {\"type\": \"string\", \"doc\": \"any text\"}}}",
             RANK_PRIORITY, RANK_ARCH);
    reply->set_json(reply, json);
#endif
    return VMTEST_OK;
}

#ifndef RANK_ABI_1_0
static vmtest_status probe(vmtest_instance* self, const char* spec, vmtest_reply* reply) {
    (void)self;
    (void)spec;
    if (RANK_USABLE) {
        return VMTEST_OK;
    }
    char message[600];
    snprintf(message, sizeof message, "%s has no hardware here (config %s)", RANK_NAME, g_config);
    reply->set_error(reply, message);
    return VMTEST_UNSUPPORTED;
}
#endif

static vmtest_status refuse(vmtest_instance* self, const char* spec, vmtest_reply* reply) {
    (void)self;
    (void)spec;
    reply->set_error(reply, "a ranking test backend boots nothing");
    return VMTEST_ERROR;
}

static vmtest_status wait_exit(vmtest_instance* self, int32_t timeout_ms, vmtest_reply* reply) {
    (void)self;
    (void)timeout_ms;
    reply->set_json(reply, "{\"exit_code\": 0}");
    return VMTEST_OK;
}

static vmtest_status stop(vmtest_instance* self, int32_t grace_ms, vmtest_reply* reply) {
    (void)self;
    (void)grace_ms;
    (void)reply;
    return VMTEST_OK;
}

#ifdef RANK_ABI_1_0
#define RANK_MINOR 0
/* ABI 1.0's backend table ends with `stop`. */
static const vmtest_backend_ops ops = {offsetof(vmtest_backend_ops, stop) + sizeof(ops.stop),
                                       describe, NULL, refuse, wait_exit, stop};
#else
#define RANK_MINOR VMTEST_ABI_MINOR
static const vmtest_backend_ops ops = {
    sizeof(vmtest_backend_ops), describe, probe, refuse, wait_exit, stop};
#endif

static const vmtest_plugin_descriptor descriptor = {sizeof(vmtest_plugin_descriptor),
                                                    VMTEST_ABI_MAJOR,
                                                    RANK_MINOR,
                                                    VMTEST_KIND_BACKEND,
                                                    RANK_NAME,
                                                    "1.0.0",
                                                    "a backend for ranking tests",
                                                    create,
                                                    destroy,
                                                    &ops};

VMTEST_EXPORT const vmtest_plugin_descriptor* vmtest_plugin_entry(void) {
    return &descriptor;
}
