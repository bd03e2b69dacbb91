// Example share plugin: 9p that trades coherence for speed where the host
// is not expected to change anything.
//
// vmtest's own 9p share mounts everything with cache=mmap, so a file the
// host changes is seen on the guest's next open. This one mounts read-only
// exports (the root, read-only vm.mounts) with cache=loose instead: the
// guest keeps their data and metadata in its page cache and never asks the
// host again, which makes repeated reads and execs faster, and a host change
// during the run may go unseen. Writable exports keep cache=mmap, so what
// the guest writes is on the host at once.
//
// It shows the whole share contract: describe() names the attachment type
// the backend must support and the guest modules; probe() says whether this
// host can serve the exports, so `--share 9p-cached` fails before anything
// boots; prepare() returns what to attach (QEMU's built-in 9p server, no
// helper process) and how the guest mounts each export; release() has
// nothing to stop.
#include <sys/stat.h>

#include <vmtest/sdk/plugin.hpp>

namespace {

using namespace vmtest;

class Cached9pShare : public sdk::Share {
  public:
    Cached9pShare(sdk::Host host, const nlohmann::json& config)
        : m_host(host), m_msize(config.value("msize", 512 * 1024)) {}

    // Fields by name: the SDK appends members to its description structs
    // (priority, options since 1.2), which brace-init by position misses.
    sdk::ShareDescription describe() override {
        sdk::ShareDescription description;
        description.attachment = "9p";
        description.guest_modules = {"9pnet_virtio", "9p"};
        description.options = {{"msize", {"integer", "largest 9p message in bytes"}}};
        return description;
    }

    void probe(const std::vector<sdk::Export>& exports) override {
        for (const auto& e : exports) {
            struct stat info {};
            if (::stat(e.host_path.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
                throw sdk::unsupported("cannot export " + e.host_path + ": not a directory");
            }
        }
    }

    sdk::PreparedShare prepare(const std::vector<sdk::Export>& exports) override {
        sdk::PreparedShare prepared;
        for (const auto& e : exports) {
            // readonly = !writable: QEMU refuses writes itself, whatever the
            // guest's mount flags say.
            prepared.attachments.push_back({"9p", e.tag, e.host_path, "", !e.writable});
            const std::string cache = e.writable ? "mmap" : "loose";
            prepared.mounts.push_back({e.tag, "9p", e.tag,
                                       "trans=virtio,version=9p2000.L,cache=" + cache +
                                           ",msize=" + std::to_string(m_msize)});
            m_host.debug("9p-cached: " + e.host_path + " with cache=" + cache);
        }
        return prepared;
    }

    void release() override {}

  private:
    sdk::Host m_host;
    int m_msize;
};

}  // namespace

VMTEST_SHARE_PLUGIN(Cached9pShare, "9p-cached", "1.0.0",
                    "9p with cache=loose for read-only exports (example)")
