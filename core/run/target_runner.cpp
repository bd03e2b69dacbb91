#include "run/target_runner.hpp"

#include <algorithm>
#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "config/memory_size.hpp"
#include "vmtest/plugin-support/unix_socket.hpp"
#include "run/boot_log_name.hpp"
#include "run/guest_boot_phases.hpp"
#include "run/guest_plan.hpp"
#include "run/kernel_setup.hpp"
#include "run/leftover_sweep.hpp"
#include "run/phase_timer.hpp"
#include "run/plugin_options.hpp"
#include "run/vm_watch.hpp"
#include "util/cancellation.hpp"
#include "util/file_kind.hpp"
#include "util/runtime_dir.hpp"
#include "vmtest/plugin-support/text_file.hpp"

namespace vmtest::run {

namespace {

using Clock = std::chrono::steady_clock;
using plugin_host::BackendPlugin;
using plugin_host::PluginInstance;
using plugin_host::RunnerPlugin;
using plugin_host::SharePlugin;

constexpr std::size_t k_boot_log_tail_lines = 30;
// A powered-off guest makes QEMU exit within a second even under TCG.
constexpr auto k_poweroff_grace = std::chrono::seconds(10);
constexpr auto k_kill_grace = std::chrono::seconds(2);
// How long a failure may take to show its cause (QEMU exiting after a panic).
constexpr auto k_settle = std::chrono::milliseconds(1500);

std::string seconds_text(std::chrono::seconds s) { return std::to_string(s.count()) + " s"; }

void require_directory(const std::filesystem::path& dir, const std::string& what) {
    if (!std::filesystem::is_directory(dir)) {
        throw std::runtime_error(what + " " + dir.string() + " " +
                                 util::describe_unexpected_kind(dir, "a directory"));
    }
}

class TargetRun {
  public:
    TargetRun(const config::Target& target, std::size_t index, RunEnvironment& env)
        : m_target(target), m_index(index), m_env(env) {
        m_result.name = target.name;
        if (env.jobs <= 1) {
            m_leftovers.emplace();
        }
    }

    TargetResult run() {
        const auto started = Clock::now();
        m_phases = PhaseTimer(started);
        m_env.events.target_started(m_target.name, m_index);
        try {
            execute();
        } catch (const std::exception& e) {
            m_phases.begin(Phase::shutdown);  // what follows a failure is the way out
            m_result.outcome = Outcome::error;
            // The watch knows the root cause (panic, exit, timeout); the
            // exception is often just its symptom ("stopped waiting", "channel
            // closed").
            const auto cause = m_watch ? m_watch->diagnose(k_settle) : std::nullopt;
            m_result.error = cause ? *cause : e.what();
            m_result.timed_out = m_watch && m_watch->timed_out();
            m_result.error_kind = cause && !m_watch->reason_kind().empty() ? m_watch->reason_kind()
                                  : util::cancellation_requested()           ? "interrupted"
                                                                             : "infrastructure";
            spdlog::debug("target {} failed: {}", m_target.name, e.what());
        }
        tear_down();
        const auto finished = Clock::now();
        m_result.duration_s = std::chrono::duration<double>(finished - started).count();
        m_result.phases = m_phases.finish(finished);
        spdlog::debug("target {}: {}", m_target.name, describe(m_result.phases));
        m_env.events.target_finished(m_result);
        return m_result;
    }

  private:
    void execute() {
        stage(Stage::preparing);
        if (m_target.is_image()) {
            throw std::runtime_error("image targets are not supported yet (target sets image = " +
                                     m_target.image->string() + "); use a kernel");
        }
        require_directory(m_target.rootfs, "rootfs");
        require_directory(m_target.base_dir, "project directory");
        for (const auto& mount : m_target.vm.mounts) {
            require_directory(mount.host_path, "vm.mounts '" + mount.guest_path + "' host_path");
        }
        m_dir = std::make_unique<util::RuntimeDir>();
        m_console_log = m_dir->path() / "console.log";

        const auto exports = exports_for(m_target);
        const auto share_options = plugin_options_of(m_target, VMTEST_KIND_SHARE);
        m_share_name = m_env.shares.choose(m_target.share, exports, share_options);
        // Shares keep their sockets and helpers' logs in the run's directory.
        auto share_config = share_options.given;
        share_config["runtime_dir"] = m_dir->path().string();
        m_share =
            std::make_unique<SharePlugin>(instance(VMTEST_KIND_SHARE, m_share_name, share_config));
        m_runner = std::make_unique<RunnerPlugin>(instance(
            VMTEST_KIND_RUNNER, m_target.runner,
            plugin_options_of(m_target, VMTEST_KIND_RUNNER).given));
        const auto share = m_share->describe();
        const auto runner = m_runner->describe();
        require_guest_agent(runner.guest_agent);
        // A command the runner cannot be given exactly fails now, not after the boot.
        m_command = command_for(m_target, m_env.environment);
        m_runner->check_command(m_command);

        KernelSetup kernel = prepare_kernel(m_target, m_env.cache_dir);
        m_result.kernel_release = kernel.release;
        const auto prepared = m_share->prepare(exports);
        // The spec is complete before the initramfs is written: choosing
        // the backend may probe with the kernel, and the backend says which
        // modules the guest needs for its devices.
        const auto initrd = m_dir->path() / "initramfs.cpio";
        const sdk::VmSpec spec = vm_spec(kernel, initrd, prepared.attachments, runner.channels);
        const auto backend = choose_backend(spec);
        resolve_guest_modules(kernel, m_target, guest_modules_for(m_target, backend, share));

        const auto init =
            init_config_for(m_target, prepared.mounts, runner, kernel.hints, m_env.debug);
        write_initramfs(kernel, init, m_env.cache_dir, initrd);
        boot(spec, backend);
        connect();
        run_command();
        power_off();
    }

    sdk::VmSpec vm_spec(const KernelSetup& kernel, const std::filesystem::path& initrd,
                        const std::vector<sdk::Attachment>& attachments,
                        const std::vector<std::string>& runner_channels) {
        sdk::VmSpec spec;
        spec.arch = m_target.arch;
        spec.kernel = kernel.boot_kernel.string();
        spec.kernel_image = kernel.image.string();
        spec.kernel_image_format = kernel.image_format;
        spec.kernel_elf = kernel.pvh_elf ? kernel.pvh_elf->string() : "";
        spec.initrd = initrd.string();
        spec.cmdline = kernel_command_line(m_target, m_env.debug);
        spec.cpus = m_target.vm.num_cpus;
        spec.memory = m_target.vm.memory;
        spec.memory_bytes = config::memory_size_bytes(m_target.vm.memory).value_or(0);
        spec.bios = m_target.vm.bios ? m_target.vm.bios->string() : "";
        spec.attachments = attachments;
        // Short socket names: a unix socket path must fit in 108 bytes.
        for (const auto& name : runner_channels) {
            m_channels.push_back({name, (m_dir->path() / ("ch" + std::to_string(m_channels.size()) +
                                                          ".sock"))
                                            .string()});
        }
        m_control_socket = m_dir->path() / "control.sock";
        spec.channels = m_channels;
        spec.channels.push_back({k_control_port, m_control_socket.string()});
        spec.console_log = m_console_log.string();
        spec.runtime_dir = m_dir->path().string();
        spec.cache_dir = m_env.cache_dir.string();
        spec.qemu_command = m_target.qemu_command.value_or("");
        spec.kvm_cpu_args = m_target.kvm_cpu_args.value_or("");
        spec.extra_args = m_target.vm.extra_args;
        spec.interactive_console = m_target.is_interactive();
        return spec;
    }

    // Picks the backend that runs `spec` and checks it can attach the
    // share's attachments; returns what it says of itself.
    sdk::BackendDescription choose_backend(const sdk::VmSpec& spec) {
        const auto options = plugin_options_of(m_target, VMTEST_KIND_BACKEND);
        const std::string backend_name = m_env.backends.choose(m_target.backend, spec, options);
        m_backend = std::make_unique<BackendPlugin>(instance(
            VMTEST_KIND_BACKEND, backend_name, m_env.backends.config_for(backend_name, options)));
        auto description = m_backend->describe();
        for (const auto& attachment : spec.attachments) {
            const auto& types = description.attachments;
            if (std::find(types.begin(), types.end(), attachment.type) == types.end()) {
                throw std::runtime_error("backend " + backend_name + " cannot attach '" +
                                         attachment.type + "' shares (share " + m_share_name +
                                         " needs it)");
            }
        }
        return description;
    }

    void boot(const sdk::VmSpec& spec, const sdk::BackendDescription& description) {
        const auto boot_timeout =
            m_target.boot_timeout.value_or(std::chrono::seconds(description.boot_timeout_s));
        if (util::cancellation_requested()) {
            throw std::runtime_error("interrupted before the VM started");
        }
        m_phases.begin(Phase::boot);
        stage(Stage::booting);
        m_backend->start(spec);
        m_watch = std::make_unique<VmWatch>(*m_backend, m_console_log, m_share.get());
        m_watch->set_deadline(Clock::now() + boot_timeout,
                              "after " + seconds_text(boot_timeout) +
                                  " waiting for the guest to boot (boot_timeout)",
                              "boot_timeout");
    }

    void connect() {
        m_control = protocol::UnixSocket::connect(m_control_socket.string(), Clock::time_point::max(),
                                                  [this] { return should_stop(); });
        stage(Stage::connecting);
        m_runner->connect(m_channels);
        m_phases.begin(Phase::command);  // the guest agent answered
    }

    void run_command() {
        m_watch->set_deadline(Clock::now() + m_target.timeout,
                              "after " + seconds_text(m_target.timeout) +
                                  " running the command (timeout)",
                              "timeout");
        stage(Stage::running);
        const auto result = m_runner->run(m_command);
        m_result.signal = result.signal;
        m_result.exit_code = result.signal ? 128 + result.signal : result.exit_code;
        m_result.outcome = m_result.exit_code == 0 ? Outcome::pass : Outcome::fail;
    }

    // Asks the guest's init to power off (it syncs and unmounts), so that
    // everything the guest wrote is on the host before vmtest returns.
    void power_off() {
        m_phases.begin(Phase::shutdown);
        stage(Stage::stopping);
        try {
            m_control.write_all("poweroff\n", Clock::now() + std::chrono::seconds(1));
        } catch (const std::exception& e) {
            spdlog::debug("could not ask the guest to power off: {}", e.what());
        }
        if (!m_backend->wait(k_poweroff_grace)) {
            spdlog::warn("the guest did not power off within {} s; stopping the VM",
                         std::chrono::seconds(k_poweroff_grace).count());
        }
    }

    // Every exit path: stop what runs, release helpers, keep the boot log.
    void tear_down() {
        m_control.close();
        m_runner.reset();
        if (m_backend) {
            try {
                m_backend->stop(k_kill_grace);
            } catch (const std::exception& e) {
                spdlog::error("stopping the VM: {}", e.what());
            }
        }
        if (m_share) {
            try {
                m_share->release();
            } catch (const std::exception& e) {
                spdlog::error("releasing the share: {}", e.what());
            }
        }
        m_backend.reset();
        m_share.reset();
        if (m_leftovers) {
            m_leftovers->stop();  // what escaped the groups stopped above
        }
        log_guest_boot_phases();
        save_boot_log();
        m_dir.reset();
    }

    // -v: the guest init printed its steps (it does only when asked, so a
    // run without -v pays nothing for this).
    void log_guest_boot_phases() {
        if (!m_env.debug || m_console_log.empty() || !std::filesystem::exists(m_console_log)) {
            return;
        }
        try {
            const auto phases = guest_boot_phases(util::read_text_file(m_console_log));
            if (!phases.empty()) {
                spdlog::debug("target {}: guest boot, in seconds since the kernel started: {}",
                              m_target.name, describe(phases));
            }
        } catch (const std::exception& e) {
            spdlog::debug("could not read the guest's boot phases: {}", e.what());
        }
    }

    void save_boot_log() {
        if (m_console_log.empty() || !std::filesystem::exists(m_console_log)) {
            return;
        }
        // No state directory (main warned once): the log is not kept.
        if (!m_env.state_dir.empty()) {
            try {
                const auto dir = m_env.state_dir / "boot-logs";
                std::filesystem::create_directories(dir);
                const auto saved = dir / boot_log_file_name(m_target.name);
                std::filesystem::copy_file(m_console_log, saved,
                                           std::filesystem::copy_options::overwrite_existing);
                m_result.boot_log = saved.string();
            } catch (const std::exception& e) {
                spdlog::warn("could not keep the boot log: {}", e.what());
            }
        }
        if (m_result.outcome == Outcome::error) {
            m_result.boot_log_tail =
                util::last_lines(util::read_text_file(m_console_log), k_boot_log_tail_lines);
        }
    }

    void require_guest_agent(const sdk::GuestAgent& agent) {
        std::string looked_for;
        for (const auto& candidate : agent.candidates) {
            if (std::filesystem::exists(m_target.rootfs / std::filesystem::path(candidate).relative_path())) {
                return;
            }
            looked_for += (looked_for.empty() ? "" : ", ") + candidate;
        }
        throw std::runtime_error("no guest agent in the guest's root " + m_target.rootfs.string() +
                                 " (looked for " + looked_for +
                                 "); install qemu-guest-agent there");
    }

    std::unique_ptr<PluginInstance>
    instance(uint32_t kind, const std::string& name,
             const nlohmann::json& config = nlohmann::json::object()) {
        plugin_host::HostCallbacks callbacks;
        callbacks.should_stop = [this] { return should_stop(); };
        callbacks.output = [this](vmtest_stream stream, std::string_view data) {
            m_env.events.output(m_target.name, stream, data);
        };
        return std::make_unique<PluginInstance>(m_env.registry.find(kind, name), config,
                                                std::move(callbacks));
    }

    bool should_stop() {
        return m_watch ? m_watch->stop_reason().has_value() : util::cancellation_requested();
    }

    void stage(Stage stage) { m_env.events.stage(m_target.name, stage); }

    const config::Target& m_target;
    std::size_t m_index;
    RunEnvironment& m_env;
    TargetResult m_result;
    PhaseTimer m_phases{Clock::now()};
    // What already runs when the target starts is not its own. Alone (-j1)
    // only: beside other targets, what appears meanwhile may be theirs.
    std::optional<LeftoverSweep> m_leftovers;

    std::unique_ptr<util::RuntimeDir> m_dir;
    std::filesystem::path m_console_log;
    std::filesystem::path m_control_socket;
    std::vector<sdk::Channel> m_channels;
    std::string m_share_name;
    std::unique_ptr<SharePlugin> m_share;
    std::unique_ptr<RunnerPlugin> m_runner;
    sdk::Command m_command;
    std::unique_ptr<BackendPlugin> m_backend;
    std::unique_ptr<VmWatch> m_watch;
    protocol::UnixSocket m_control;
};

}  // namespace

TargetResult run_target(const config::Target& target, std::size_t index, RunEnvironment& env) {
    return TargetRun(target, index, env).run();
}

}  // namespace vmtest::run
