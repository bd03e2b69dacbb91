#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "plugin_host/plugin_instance.hpp"
#include "vmtest/sdk/types.hpp"

namespace vmtest::plugin_host {

// Typed views of the four plugin kinds: SDK types in, SDK types out,
// PluginError on failure.

class BackendPlugin {
  public:
    explicit BackendPlugin(std::unique_ptr<PluginInstance> instance);
    const PluginInstance& instance() const { return *m_instance; }

    sdk::BackendDescription describe();
    // nullopt when usable; else the backend's reason. Throws PluginError
    // when the probe was cancelled (Ctrl-C): that is no verdict.
    std::optional<std::string> probe(const sdk::VmSpec& spec);
    void start(const sdk::VmSpec& spec);
    // nullopt while the VM still runs after `timeout`.
    std::optional<sdk::VmExit> wait(std::chrono::milliseconds timeout);
    void stop(std::chrono::milliseconds grace);

  private:
    std::unique_ptr<PluginInstance> m_instance;
    const vmtest_backend_ops& m_ops;
};

class SharePlugin {
  public:
    explicit SharePlugin(std::unique_ptr<PluginInstance> instance);
    const PluginInstance& instance() const { return *m_instance; }

    sdk::ShareDescription describe();
    // nullopt when it can serve `exports` here (also when the plugin
    // predates probe); else the share's reason. Throws PluginError when the
    // probe was cancelled.
    std::optional<std::string> probe(const std::vector<sdk::Export>& exports);
    sdk::PreparedShare prepare(const std::vector<sdk::Export>& exports);
    void release();
    // nullopt while its helpers serve (also when the plugin predates health
    // or is inside another call); else its line on the helper that died.
    std::optional<std::string> health();

  private:
    std::unique_ptr<PluginInstance> m_instance;
    const vmtest_share_ops& m_ops;
};

class RunnerPlugin {
  public:
    explicit RunnerPlugin(std::unique_ptr<PluginInstance> instance);
    const PluginInstance& instance() const { return *m_instance; }

    sdk::RunnerDescription describe();
    void connect(const std::vector<sdk::Channel>& channels);
    // Throws PluginError when run() could not hand `command` over exactly
    // (PluginInstance::document_text), so the host can refuse before a boot.
    void check_command(const sdk::Command& command) const;
    sdk::CommandResult run(const sdk::Command& command);

  private:
    std::unique_ptr<PluginInstance> m_instance;
    const vmtest_runner_ops& m_ops;
};

class ReporterPlugin {
  public:
    explicit ReporterPlugin(std::unique_ptr<PluginInstance> instance);
    const PluginInstance& instance() const { return *m_instance; }

    void event(const nlohmann::json& event);
    void finish();

  private:
    std::unique_ptr<PluginInstance> m_instance;
    const vmtest_reporter_ops& m_ops;
};

}  // namespace vmtest::plugin_host
