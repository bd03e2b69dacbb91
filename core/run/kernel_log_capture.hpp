#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>

#include "run/kernel_log_records.hpp"
#include "vmtest/plugin-support/unix_socket.hpp"

namespace vmtest::run {

// Reads the guest kernel's log from its channel (the socket the backend
// listens on for the "org.vmtest.kmsg" port) while the target runs, and
// writes it to `file` as kernel_log_records.hpp describes. A thread of its
// own reads all along, so the guest's stream never waits on vmtest (and
// the kernel's ring buffer does not overflow while a command runs).
class KernelLogCapture {
  public:
    explicit KernelLogCapture(std::filesystem::path file);
    ~KernelLogCapture();
    KernelLogCapture(const KernelLogCapture&) = delete;
    KernelLogCapture& operator=(const KernelLogCapture&) = delete;

    // Connects to `socket` and starts reading. False when no such socket
    // appears within a second: the backend did not create the channel.
    bool start(const std::string& socket);

    // Reads on until the stream ends (the VM exited) or `limit` passes,
    // then stops and writes what is left. Safe to call more than once.
    void finish(std::chrono::milliseconds limit);

    const std::filesystem::path& file() const { return m_file; }
    std::uint64_t records() const { return m_formatter.records(); }

  private:
    void read_all();
    void append(const std::string& text);

    std::filesystem::path m_file;
    protocol::UnixSocket m_socket;
    KernelLogFormatter m_formatter;  // used by the thread until it is joined
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_ended{false};
    std::string m_error;  // the thread's, read after joining
};

}  // namespace vmtest::run
