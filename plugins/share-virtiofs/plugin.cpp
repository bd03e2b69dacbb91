// Registers VirtiofsShare as the "virtiofs" share plugin.
#include "virtiofs_share.hpp"

VMTEST_SHARE_PLUGIN(vmtest::virtiofs::VirtiofsShare, "virtiofs", "0.1.0",
                    "virtiofs: one virtiofsd per export over vhost-user (needs root)")
