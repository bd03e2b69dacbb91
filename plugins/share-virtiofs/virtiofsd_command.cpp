// Cache mode. vmtest promises that a file the host changes while the guest
// runs is seen by the guest on its next open, and that the guest's writes
// are on the host when vmtest returns.
//
// - C virtiofsd: cache=always with timeout=0. timeout=0 makes the guest ask
//   the daemon again for every name lookup and every attribute, so an open
//   always finds the file the host has now (edited, grown, or replaced by a
//   rename as editors save). cache=always keeps the guest's page cache across
//   opens; the kernel drops it as soon as a lookup or getattr reports another
//   size or mtime (FUSE auto_inval_data, negotiated by default). That is
//   NFS's close-to-open consistency, with its one blind spot: a same-size
//   rewrite within one tick of the host filesystem's clock (~4 ms) keeps
//   the old pages. Measured under TCG (tests/bench/share_benchmark.sh), the
//   alternatives cost too much for what they add: cache=auto (page cache
//   dropped on every open) made 100 execs of /usr/bin/true 3.7x slower
//   (every exec re-reads libc), and cache=none (direct I/O) also refuses
//   shared writable mmap (sqlite, linkers). The daemon's default
//   no_writeback makes every guest write() synchronous to the host.
// - Rust virtiofsd has no timeout option (its cache=auto trusts a lookup for
//   a second, cache=always for a day), so it gets cache=never, which
//   revalidates everything, plus --allow-mmap where it exists, to keep
//   shared mmap.
//
// sandbox=namespace (the default, explicit here): the daemon pivots into the
// exported directory in mount, pid and network namespaces of its own, so it
// cannot reach anything outside what it serves. xattr stays off (default):
// the host's security.* attributes would otherwise confuse the guest.
#include "virtiofsd_command.hpp"

namespace vmtest::virtiofs {

std::string escaped_option_value(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == ',' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

std::vector<std::string> virtiofsd_argv(const Virtiofsd& daemon, int fd,
                                        const std::string& source) {
    std::vector<std::string> argv{daemon.path.string(), "--fd=" + std::to_string(fd)};
    if (daemon.dialect == Dialect::rust) {
        argv.insert(argv.end(), {"--shared-dir=" + source, "--cache=never", "--sandbox=namespace"});
        if (daemon.allow_mmap) {
            argv.push_back("--allow-mmap");
        }
        return argv;
    }
    argv.insert(argv.end(), {"-o", "source=" + escaped_option_value(source), "-o", "cache=always",
                             "-o", "timeout=0", "-o", "sandbox=namespace"});
    return argv;
}

}  // namespace vmtest::virtiofs
