// Running a command through the guest agent, with live output
// ===========================================================
//
// The guest's init starts qemu-ga on the virtio-serial port
// org.qemu.guest_agent.0 (describe() tells it how). The VM also has two
// more ports, org.vmtest.stdout and org.vmtest.stderr; like the agent's
// port, each appears in the guest as /dev/virtio-ports/<name> and on the
// host as a unix socket the emulator listens on.
//
// connect() opens all three host sockets and then runs the agent's sync
// handshake (see qga_client.cpp): the agent's socket accepts long before
// the guest has booted, so only an answer to guest-sync-delimited proves
// the agent is there. The handshake retries every connect_attempt_ms and
// asks the host's should_stop() between reads, so a guest that never
// brings the agent up is abandoned the moment the host gives up on it.
//
// run() could ask guest-exec to capture the output, but qemu-ga 7.2 hands
// captured output back only after the process exits - useless for a test
// that runs for minutes. Instead the command's stdout and stderr go to the
// two ports.
//
// The command's argv, environment and working directory are bytes, but
// every string in a guest-exec request is JSON text, and QEMU's JSON parser
// rejects what is not UTF-8. The one member that carries bytes is
// "input-data" (base64, given to the process's stdin). So run() starts
// `/bin/sh -s` and hands it, on stdin, a script that holds every byte
// inside single quotes (guest_script.cpp):
//     {
//     exec </dev/null >/dev/virtio-ports/org.vmtest.stdout
//          2>/dev/virtio-ports/org.vmtest.stderr
//     cd -- 'CWD' || exit 127
//     exec env -i -- 'NAME=value'... 'ARGV0' 'ARGV1'...
//     }
// The shell points its output at the ports, changes to the working
// directory and replaces itself, through env(1), with the command in
// exactly the given environment. A single-quoted word is taken byte for
// byte, so nothing needs escaping but the quote itself. This costs no extra
// request (writing a file with guest-file-* would cost three, plus its
// cleanup), leaves nothing behind in the guest, and needs nothing there but
// sh and env, which every root filesystem has. Because of the final execs,
// the exit status or killing signal the agent reports is the command's own.
//
// While the command runs, the runner alternates between asking
// guest-exec-status (every 10 ms at first, backing off to 100 ms, so short
// commands finish fast without hammering the agent during long ones) and
// poll()ing both output sockets, forwarding each chunk to the host as it
// arrives. Once the agent says the process exited, output it wrote last may
// still be in flight in the virtio queues, and the ports give no end-of-file
// (the host end stays connected across commands), so the runner drains
// both sockets until they have been quiet for 100 ms, for at most 2 s.
//
// Every agent request has a deadline, and should_stop() is asked at least
// every 100 ms while the command runs: when it says stop, run() throws
// "cancelled" and leaves the VM's teardown to the host.
#include "qga_runner.hpp"

#include <algorithm>
#include <utility>

#include "guest_script.hpp"
#include "output_pump.hpp"
#include "vmtest/plugin-support/errors.hpp"

namespace vmtest::runner_qga {
namespace {

constexpr const char* k_port_directory = "/dev/virtio-ports/";
constexpr const char* k_shell = "/bin/sh";

// Short: replies to earlier attempts are skipped anyway, and the agent only
// starts answering once it runs, so a long period just adds idle time.
constexpr std::chrono::milliseconds k_default_connect_attempt{250};
constexpr std::chrono::milliseconds k_default_connect_timeout{600000};
constexpr std::chrono::milliseconds k_default_request_timeout{30000};
constexpr std::chrono::milliseconds k_first_status_interval{10};
constexpr std::chrono::milliseconds k_max_status_interval{100};
constexpr std::chrono::milliseconds k_drain_quiet{100};
constexpr std::chrono::milliseconds k_drain_limit{2000};

std::chrono::milliseconds config_duration(const nlohmann::json& config, const char* key,
                                          std::chrono::milliseconds fallback) {
    if (!config.is_object() || !config.contains(key)) {
        return fallback;
    }
    // A week is plenty; the cap keeps now() + value far from overflowing.
    constexpr long long k_max_ms = 7LL * 24 * 3600 * 1000;
    const nlohmann::json& value = config.at(key);
    if (!value.is_number_integer() || value.get<long long>() <= 0 ||
        value.get<long long>() > k_max_ms) {
        throw sdk::Error(std::string("runner qga: '") + key +
                         "' must be a positive number of milliseconds, at most a week");
    }
    return std::chrono::milliseconds(value.get<long long>());
}

// Runs `body`, turning protocol exceptions into the SDK's statuses.
template <typename Body> auto translate_errors(const std::string& what, Body&& body) {
    try {
        return body();
    } catch (const protocol::CancelledError& e) {
        throw sdk::cancelled(what + ": " + e.what());
    } catch (const protocol::TimeoutError& e) {
        throw sdk::timed_out(what + ": " + e.what());
    } catch (const protocol::ProtocolError& e) {
        throw sdk::Error(what + ": " + e.what());
    }
}

std::string socket_for(const std::vector<sdk::Channel>& channels, const std::string& name) {
    const auto found = std::find_if(channels.begin(), channels.end(),
                                    [&](const sdk::Channel& c) { return c.name == name; });
    if (found == channels.end() || found->socket.empty()) {
        throw sdk::Error("runner qga: no socket for channel '" + name + "'");
    }
    return found->socket;
}

}  // namespace

QgaRunner::QgaRunner(sdk::Host host, const nlohmann::json& config)
    : m_host(host),
      m_connect_attempt(config_duration(config, "connect_attempt_ms", k_default_connect_attempt)),
      m_connect_timeout(config_duration(config, "connect_timeout_ms", k_default_connect_timeout)),
      m_request_timeout(
          config_duration(config, "request_timeout_ms", k_default_request_timeout)) {}

protocol::StopPredicate QgaRunner::stop_predicate() const {
    return [host = m_host] { return host.should_stop(); };
}

sdk::RunnerDescription QgaRunner::describe() {
    sdk::RunnerDescription description;
    description.channels = {k_agent_channel, k_stdout_channel, k_stderr_channel};
    description.guest_agent.candidates = {"/usr/sbin/qemu-ga", "/usr/bin/qemu-ga",
                                          "/usr/local/bin/qemu-ga", "/usr/libexec/qemu-ga"};
    description.guest_agent.argv = {"--method=virtio-serial",
                                    std::string("--path=") + k_port_directory + k_agent_channel,
                                    "--pidfile=/run/qemu-ga.pid", "--statedir=/run"};
    description.options = {
        {"connect_attempt_ms",
         {"integer", "how long one handshake attempt waits for the agent (default 250)"}},
        {"connect_timeout_ms",
         {"integer", "limit of the whole connect, boot included (default 600000)"}},
        {"request_timeout_ms", {"integer", "deadline of each agent request (default 30000)"}},
    };
    return description;
}

void QgaRunner::connect(const std::vector<sdk::Channel>& channels) {
    const std::string agent_path = socket_for(channels, k_agent_channel);
    const std::string stdout_path = socket_for(channels, k_stdout_channel);
    const std::string stderr_path = socket_for(channels, k_stderr_channel);
    const auto stop = stop_predicate();
    const protocol::Deadline deadline = protocol::deadline_after(m_connect_timeout);
    m_agent.reset();

    translate_errors("connecting to the guest agent", [&] {
        m_stdout = protocol::UnixSocket::connect(stdout_path, deadline, stop);
        m_stderr = protocol::UnixSocket::connect(stderr_path, deadline, stop);
        protocol::QgaClient agent(protocol::UnixSocket::connect(agent_path, deadline, stop), stop,
                                  [host = m_host](const std::string& line) { host.debug(line); });
        agent.sync(deadline, m_connect_attempt);
        const protocol::QgaInfo info =
            agent.guest_info(std::min(deadline, protocol::deadline_after(m_request_timeout)));
        m_host.debug("guest agent " + info.version_text + " answered after " +
                     std::to_string(agent.last_sync_attempts()) + " sync attempt(s)");
        for (const char* needed : {"guest-exec", "guest-exec-status"}) {
            if (std::find(info.commands.begin(), info.commands.end(), needed) ==
                info.commands.end()) {
                throw sdk::unsupported(std::string("guest agent does not allow ") + needed);
            }
        }
        m_agent.emplace(std::move(agent));
    });
}

std::string QgaRunner::guest_script(const sdk::Command& command) {
    return command_script(command, {std::string(k_port_directory) + k_stdout_channel,
                                    std::string(k_port_directory) + k_stderr_channel});
}

sdk::CommandResult QgaRunner::run(const sdk::Command& command) {
    if (!m_agent) {
        throw sdk::Error("runner qga: run before connect");
    }
    const auto stop = stop_predicate();
    protocol::QgaExecRequest request;
    request.path = k_shell;
    request.args = {"-s"};
    request.input_data = guest_script(command);
    OutputPump pump([host = m_host](vmtest_stream stream,
                                    std::string_view data) { host.output(stream, data); },
                    {{VMTEST_STREAM_STDOUT, &m_stdout}, {VMTEST_STREAM_STDERR, &m_stderr}});

    const protocol::QgaExecStatus status = translate_errors("running the command", [&] {
        const std::int64_t pid =
            m_agent->guest_exec(request, protocol::deadline_after(m_request_timeout));
        m_host.debug("guest-exec started pid " + std::to_string(pid));
        auto interval = k_first_status_interval;
        for (;;) {
            protocol::QgaExecStatus current =
                m_agent->guest_exec_status(pid, protocol::deadline_after(m_request_timeout));
            if (current.exited) {
                return current;
            }
            pump.pump_for(interval, stop);
            interval = std::min(interval * 2, k_max_status_interval);
        }
    });
    pump.drain(k_drain_quiet, k_drain_limit, stop);

    sdk::CommandResult result;
    if (status.signal != 0) {
        // The shell convention, so a host that only looks at exit_code
        // still sees a failure.
        result.signal = status.signal;
        result.exit_code = 128 + status.signal;
    } else {
        result.exit_code = status.exit_code;
    }
    return result;
}

}  // namespace vmtest::runner_qga
