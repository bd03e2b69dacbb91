// The 9p share: QEMU's built-in virtio-9p server exports host directories;
// the guest mounts them with the kernel's 9p client. No helper process.
//
// Cache mode: cache=mmap. It keeps no page cache for ordinary reads and
// writes, so a file the host changes is seen on the guest's next open and
// every guest write reaches the host before write() returns (cache=loose
// never revalidates against the host). Unlike cache=none it supports
// shared writable mmap, which real programs (sqlite, linkers) use.
#include "vmtest/sdk/plugin.hpp"

namespace {

using namespace vmtest;

class NinePShare : public sdk::Share {
  public:
    NinePShare(sdk::Host host, const nlohmann::json& config)
        : m_host(host), m_msize(config.value("msize", 512 * 1024)) {
        // The kernel's 9p client takes at least 4 KiB (and caps it itself).
        if (m_msize < 4096) {
            throw sdk::Error("option msize must be at least 4096, got " + std::to_string(m_msize));
        }
    }

    sdk::ShareDescription describe() override {
        sdk::ShareDescription description;
        description.attachment = "9p";
        description.guest_modules = {"9pnet_virtio", "9p"};
        description.priority = 100;  // below virtiofs, which is faster where it runs
        description.options = {
            {"msize",
             {"integer", "9p's largest message in bytes, the guest's msize= (default 524288)"}}};
        return description;
    }

    sdk::PreparedShare prepare(const std::vector<sdk::Export>& exports) override {
        sdk::PreparedShare prepared;
        for (const auto& e : exports) {
            // Read-only exports are enforced by QEMU (readonly=on) as well as
            // by the guest's mount flags, which the guest could change.
            prepared.attachments.push_back({"9p", e.tag, e.host_path, "", !e.writable});
            prepared.mounts.push_back(
                {e.tag, "9p", e.tag,
                 "trans=virtio,version=9p2000.L,cache=mmap,msize=" + std::to_string(m_msize)});
        }
        return prepared;
    }

    void release() override {}

  private:
    sdk::Host m_host;
    int m_msize;
};

}  // namespace

VMTEST_SHARE_PLUGIN(NinePShare, "9p", "0.1.0", "QEMU's virtio-9p server (no helper process)")
