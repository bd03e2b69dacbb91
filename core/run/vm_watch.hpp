#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "plugin_host/typed_plugins.hpp"

namespace vmtest::run {

// Decides when to stop waiting on a guest: the user interrupted, a deadline
// passed, a share's helper died, the guest kernel panicked, the guest's init
// gave up, or the VM exited. Every wait in a target (the runner's handshake, the command) polls
// it through vmtest_host_api.should_stop, so none of them can hang on a VM
// that is already gone.
class VmWatch {
  public:
    using Clock = std::chrono::steady_clock;

    // `share` (may be null) is asked whether its helpers still serve.
    VmWatch(plugin_host::BackendPlugin& backend, std::filesystem::path console_log,
            plugin_host::SharePlugin* share);

    // The phase being waited for and its deadline: `what` for the message,
    // `kind` for reason_kind() ("boot_timeout", "timeout").
    void set_deadline(Clock::time_point deadline, std::string what, std::string kind);
    // The same with the whole message to give when it passes, instead of
    // "timed out <what>".
    void set_deadline_reason(Clock::time_point deadline, std::string reason, std::string kind);
    Clock::time_point deadline() const { return m_deadline; }

    // Called with each console line as the watch reads it (an image
    // target follows its boot stages so). Runs inside stop_reason().
    void on_console_line(std::function<void(const std::string&)> observer) {
        m_line_observer = std::move(observer);
    }

    // Why to stop now; nullopt to go on. Cheap enough to call often.
    std::optional<std::string> stop_reason();

    // After something failed: the root cause if the guest or VM shows one
    // (panic, init failure, exit, deadline). Checks at once, and keeps
    // checking for up to `settle`, since QEMU exits a moment after a panic
    // has already closed the channels a runner reads.
    std::optional<std::string> diagnose(std::chrono::milliseconds settle);
    // What the reason is, for reporters: "interrupted", "boot_timeout",
    // "timeout", "kernel_panic", "init_failed", "vm_exit", "helper_failed";
    // empty while none.
    const std::string& reason_kind() const { return m_kind; }
    bool vm_exited() const { return m_exit.has_value(); }
    bool timed_out() const { return m_timed_out; }
    bool interrupted() const { return m_interrupted; }

  private:
    std::optional<std::string> check();
    std::optional<std::string> scan_console();
    // Records the problem `line` shows, if any; true when it shows one.
    bool check_console_line(std::string line);

    plugin_host::BackendPlugin& m_backend;
    plugin_host::SharePlugin* m_share;
    std::filesystem::path m_console_log;
    std::uintmax_t m_scanned = 0;
    std::string m_partial_line;
    std::string m_previous_line;  // the last non-empty one
    Clock::time_point m_deadline = Clock::time_point::max();
    std::string m_deadline_reason;
    std::function<void(const std::string&)> m_line_observer;
    std::string m_deadline_kind;
    Clock::time_point m_next_check{};
    std::optional<sdk::VmExit> m_exit;
    std::optional<std::string> m_reason;
    std::optional<std::string> m_console_problem;
    std::string m_console_kind;
    std::string m_kind;
    bool m_timed_out = false;
    bool m_interrupted = false;
};

}  // namespace vmtest::run
