// The "qga" runner: runs the command in the guest through qemu-guest-agent
// and streams its output live over two extra virtio-serial ports. How, and
// why that way, is described at the top of qga_runner.cpp.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "qga_client.hpp"
#include "vmtest/plugin-support/unix_socket.hpp"
#include "vmtest/sdk/plugin.hpp"

namespace vmtest::runner_qga {

class QgaRunner : public sdk::Runner {
  public:
    static constexpr const char* k_agent_channel = "org.qemu.guest_agent.0";
    static constexpr const char* k_stdout_channel = "org.vmtest.stdout";
    static constexpr const char* k_stderr_channel = "org.vmtest.stderr";

    // Config (all optional, milliseconds):
    //   connect_attempt_ms  how long one sync attempt waits (default 250)
    //   connect_timeout_ms  safety net for the whole connect (default 600000;
    //                       normally the host's should_stop ends it first)
    //   request_timeout_ms  deadline of each agent request (default 30000)
    QgaRunner(sdk::Host host, const nlohmann::json& config);

    sdk::RunnerDescription describe() override;
    void connect(const std::vector<sdk::Channel>& channels) override;
    sdk::CommandResult run(const sdk::Command& command) override;

    // The script `/bin/sh -s` reads from stdin to run `command` with its
    // output going to the output ports (guest_script.hpp).
    static std::string guest_script(const sdk::Command& command);

  private:
    protocol::StopPredicate stop_predicate() const;

    sdk::Host m_host;
    std::chrono::milliseconds m_connect_attempt;
    std::chrono::milliseconds m_connect_timeout;
    std::chrono::milliseconds m_request_timeout;
    std::optional<protocol::QgaClient> m_agent;
    protocol::UnixSocket m_stdout;
    protocol::UnixSocket m_stderr;
};

}  // namespace vmtest::runner_qga
