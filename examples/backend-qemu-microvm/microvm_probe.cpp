#include "microvm_probe.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <sys/mman.h>
#include <unistd.h>

#include <vmtest/plugin-support/child_process.hpp>

namespace microvm {

namespace {

using vmtest::sdk::unsupported;

constexpr auto k_poll_interval = std::chrono::milliseconds(50);

// An anonymous file the child writes to and we read back: nothing to
// clean up, whatever happens.
class MemoryFile {
  public:
    explicit MemoryFile(const char* name) : m_fd(memfd_create(name, MFD_CLOEXEC)) {
        if (m_fd < 0) {
            throw vmtest::sdk::Error(std::string("memfd_create: ") + std::strerror(errno));
        }
    }
    ~MemoryFile() { close(m_fd); }
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;

    // A path the child opens for its output: ChildProcess opens its files
    // after fork, where /proc/self is the child, which still holds this
    // descriptor (MFD_CLOEXEC closes it only at exec).
    std::string path() const { return "/proc/self/fd/" + std::to_string(m_fd); }

    std::string contents() const {
        std::string text;
        char buffer[4096];
        ssize_t got = 0;
        off_t offset = 0;
        while ((got = pread(m_fd, buffer, sizeof(buffer), offset)) > 0) {
            text.append(buffer, static_cast<std::size_t>(got));
            offset += got;
        }
        return text;
    }

  private:
    int m_fd;
};

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

bool lists_microvm(const std::string& machine_help) {
    std::istringstream lines(machine_help);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("microvm ", 0) == 0) {
            return true;
        }
    }
    return false;
}

void check_kvm() {
    const int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        throw unsupported(std::string("cannot open /dev/kvm: ") + std::strerror(errno));
    }
    close(fd);
}

}  // namespace

void probe_microvm(const vmtest::sdk::Host& host, const vmtest::sdk::VmSpec& spec,
                   const MicrovmSettings& settings, std::chrono::milliseconds limit) {
    (void)microvm_command_line(spec, settings);  // throws for what the spec asks that we lack
    if (settings.accelerator == Accelerator::kvm) {
        check_kvm();
    }
    const std::string binary = qemu_binary(spec);
    MemoryFile out("qemu-machine-help");
    MemoryFile err("qemu-machine-help-err");
    vmtest::util::ChildProcess qemu(
        vmtest::util::SpawnOptions{{binary, "-machine", "help"}, out.path(), err.path(), false});
    const auto give_up = std::chrono::steady_clock::now() + limit;
    std::optional<vmtest::util::ChildExit> exit;
    while (!(exit = qemu.wait_for(k_poll_interval))) {
        if (host.should_stop()) {
            throw vmtest::sdk::cancelled("stopped while asking " + binary + " for its machines");
        }
        if (std::chrono::steady_clock::now() >= give_up) {
            throw unsupported(binary + " -machine help did not answer within " +
                              std::to_string(limit.count()) + " ms");
        }
    }
    if (exit->exit_code == 127) {  // what the child exits with when exec fails
        throw unsupported(binary + " cannot be run (" + first_line(err.contents()) +
                          "); install qemu-system-x86");
    }
    if (exit->exit_code != 0) {
        const std::string why = first_line(err.contents());
        throw unsupported(binary + " -machine help failed with status " +
                          std::to_string(exit->exit_code) + (why.empty() ? "" : ": " + why));
    }
    if (!lists_microvm(out.contents())) {
        throw unsupported(binary + " has no microvm machine (see " + binary + " -machine help)");
    }
}

}  // namespace microvm
