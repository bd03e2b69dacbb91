#include "run/target_runner.hpp"

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include <spdlog/spdlog.h>

#include "boot/embedded_init.hpp"
#include "config/memory_size.hpp"
#include "image/boot_stages.hpp"
#include "image/disk_image.hpp"
#include "image/guest_setup.hpp"
#include "image/image_overlay.hpp"
#include "image/uefi_firmware.hpp"
#include "vmtest/plugin-support/unix_socket.hpp"
#include "run/boot_log_name.hpp"
#include "run/guest_boot_phases.hpp"
#include "run/guest_plan.hpp"
#include "run/kernel_log_capture.hpp"
#include "run/kernel_splats.hpp"
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
// An image that reached its login prompt has started its services: an agent
// that has not answered some seconds later (it is slow under emulation)
// is not going to.
constexpr auto k_agent_grace = std::chrono::seconds(30);
constexpr const char* k_no_agent = "the image booted but no guest agent answered: install and "
                                   "enable qemu-guest-agent in the image";

// After the VM exited, its kernel log's last bytes are in the socket already.
constexpr auto k_kernel_log_drain = std::chrono::milliseconds(2000);
// A report holds the first splats; a storm of them is counted in the error.
constexpr std::size_t k_max_reported_splats = 10;

// "No kernel log" is said once per backend in a run, not once per target.
bool first_notice_for(const std::string& backend) {
    static std::mutex mutex;
    static std::set<std::string> noticed;
    std::lock_guard lock(mutex);
    return noticed.insert(backend).second;
}

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
            execute_image();
            return;
        }
        // A vmtest built without this arch's init fails first, in one line.
        const auto guest_init = boot::embedded_init(m_target.arch);
        require_directory(m_target.rootfs, "rootfs");
        const auto exports = exports_for(m_target);
        start_plugins(exports);
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
        sdk::VmSpec spec = common_vm_spec(prepared.attachments, runner.channels, true);
        spec.kernel = kernel.boot_kernel.string();
        spec.kernel_image = kernel.image.string();
        spec.kernel_image_format = kernel.image_format;
        spec.kernel_elf = kernel.pvh_elf ? kernel.pvh_elf->string() : "";
        spec.initrd = initrd.string();
        spec.cmdline = kernel_command_line(m_target, m_env.debug);
        spec.interactive_console = m_target.is_interactive();
        const auto backend = choose_backend(spec);
        resolve_guest_modules(kernel, m_target, guest_modules_for(m_target, backend, share));

        const auto init =
            init_config_for(m_target, prepared.mounts, runner, kernel.hints, m_env.debug);
        write_initramfs(kernel, init, guest_init, m_env.cache_dir, initrd);
        boot(spec, backend);
        connect();
        run_command();
        power_off();
    }

    // An image boots its own disk with its own kernel, init and agent; vmtest
    // shares directories into it and runs the command through that agent.
    void execute_image() {
        if (m_target.is_interactive()) {
            throw std::runtime_error("an interactive shell ('-') is not available for image "
                                     "targets; give a command");
        }
        // Before anything starts: a file that is not a disk image is one line.
        const auto format = image::detect_disk_format(*m_target.image);
        const auto exports = exports_for(m_target);
        start_plugins(exports);
        const auto share = m_share->describe();
        const auto runner = m_runner->describe();
        // The shell is only known once the image answers; bash is checked here.
        m_runner->check_command(image_command_for(m_target, "/bin/bash"));

        const auto prepared = m_share->prepare(exports);
        sdk::VmSpec spec = common_vm_spec(prepared.attachments, runner.channels, false);
        spec.image = m_target.image->string();
        spec.uefi = m_target.boots_with_uefi();
        if (spec.uefi && !m_target.vm.bios) {
            const auto firmware = image::find_uefi_firmware(m_target.arch);
            if (!firmware) {
                throw std::runtime_error(image::no_uefi_firmware_message(m_target.arch));
            }
            spec.uefi_code = firmware->code.string();
            spec.uefi_vars = image::copy_vars_store(*firmware, m_dir->path()).string();
        }
        spec.disks.push_back(
            image::boot_disk(*m_target.image, format, m_target.image_writable, m_dir->path()));
        const auto backend = choose_backend(spec);
        boot(spec, backend);
        follow_image_boot();
        connect();
        const auto shell = set_up_image(image_guest_setup(m_target, prepared.mounts, share));
        m_command = image_command_for(m_target, shell);
        run_command();
        power_off();
    }

    // The share and the runner, for the target's exports; the run's private
    // directory first, where the share keeps its sockets and helpers' logs.
    void start_plugins(const std::vector<sdk::Export>& exports) {
        require_directory(m_target.base_dir, "project directory");
        for (const auto& mount : m_target.vm.mounts) {
            require_directory(mount.host_path, "vm.mounts '" + mount.guest_path + "' host_path");
        }
        m_dir = std::make_unique<util::RuntimeDir>();
        m_console_log = m_dir->path() / "console.log";
        const auto share_options = plugin_options_of(m_target, VMTEST_KIND_SHARE);
        m_share_name = m_env.shares.choose(m_target.share, exports, share_options);
        auto share_config = share_options.given;
        share_config["runtime_dir"] = m_dir->path().string();
        m_share =
            std::make_unique<SharePlugin>(instance(VMTEST_KIND_SHARE, m_share_name, share_config));
        m_runner = std::make_unique<RunnerPlugin>(instance(
            VMTEST_KIND_RUNNER, m_target.runner,
            plugin_options_of(m_target, VMTEST_KIND_RUNNER).given));
    }

    // The boot stages an image's console shows become stage events; once
    // its init runs, a boot that ends without an agent says why, and once it
    // is fully up the agent gets k_agent_grace, not the rest of boot_timeout.
    void follow_image_boot() {
        const auto booted_at = Clock::now();
        const std::string timed_out =
            "timed out after " + seconds_text(m_boot_timeout) + " waiting for the image to boot "
            "(boot_timeout)";
        // Until its console shows otherwise, the image is still in its firmware.
        m_watch->set_deadline_reason(
            m_watch->deadline(),
            timed_out + ": its console shows no bootloader or kernel starting" +
                (m_target.boots_with_uefi() ? "" : " (a UEFI-only image needs uefi = true)"),
            "boot_timeout");
        m_watch->on_console_line([this, booted_at, timed_out,
                                  tracker = image::BootStageTracker()](const std::string& line) mutable {
            // Once the agent answered the boot is over, whatever the console
            // still shows (the login prompt comes later).
            if (m_agent_answered || !tracker.observe(line)) {
                return;
            }
            const auto stage_now = tracker.stage();
            spdlog::debug("target {}: boot stage {} after {:.1f} s", m_target.name,
                          image::stage_name(stage_now),
                          std::chrono::duration<double>(Clock::now() - booted_at).count());
            stage(Stage::booting, std::string("Booting: ") + image::stage_name(stage_now));
            if (stage_now == image::BootStage::bootloader || stage_now == image::BootStage::kernel) {
                m_watch->set_deadline_reason(m_watch->deadline(),
                                             timed_out + ": it reached its " +
                                                 image::stage_name(stage_now),
                                             "boot_timeout");
            } else if (stage_now == image::BootStage::init) {
                m_watch->set_deadline_reason(m_watch->deadline(),
                                             timed_out + "; " + k_no_agent, "boot_timeout");
            } else if (stage_now == image::BootStage::booted) {
                m_watch->set_deadline_reason(
                    std::min(m_watch->deadline(), Clock::now() + k_agent_grace), k_no_agent,
                    "boot_timeout");
            }
        });
    }

    // Mounts the shares in the image through its agent; returns the shell
    // the command runs with. What the setup prints is not the command's
    // output: it is kept from the reporters.
    std::string set_up_image(const image::GuestSetup& setup) {
        std::string output;
        m_captured = &output;
        sdk::CommandResult result;
        try {
            result = m_runner->run({{"/bin/sh", "-c", image::setup_script(setup)}, {}, "/"});
        } catch (...) {
            m_captured = nullptr;
            throw;
        }
        m_captured = nullptr;
        spdlog::debug("target {}: image setup (status {}): {}", m_target.name, result.exit_code,
                      output);
        const auto outcome = image::read_setup_result(
            setup, output, result.signal ? 128 + result.signal : result.exit_code);
        if (outcome.error) {
            throw std::runtime_error(*outcome.error);
        }
        return outcome.shell;
    }

    // What every VM spec holds. A kernel target's guest runs vmtest's init,
    // which listens on the control port (`control`); an image has no such init.
    sdk::VmSpec common_vm_spec(const std::vector<sdk::Attachment>& attachments,
                               const std::vector<std::string>& runner_channels, bool control) {
        sdk::VmSpec spec;
        spec.arch = m_target.arch;
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
        spec.channels = m_channels;
        if (control) {
            m_control_socket = m_dir->path() / "control.sock";
            spec.channels.push_back({k_control_port, m_control_socket.string()});
            // The kernel's log comes from vmtest's init too.
            m_kernel_log_socket = m_dir->path() / "kmsg.sock";
            spec.channels.push_back({k_kernel_log_port, m_kernel_log_socket.string()});
        }
        spec.console_log = m_console_log.string();
        spec.runtime_dir = m_dir->path().string();
        spec.cache_dir = m_env.cache_dir.string();
        spec.qemu_command = m_target.qemu_command.value_or("");
        spec.kvm_cpu_args = m_target.kvm_cpu_args.value_or("");
        spec.extra_args = m_target.vm.extra_args;
        return spec;
    }

    // Picks the backend that runs `spec` and checks it can attach the
    // share's attachments; returns what it says of itself.
    sdk::BackendDescription choose_backend(const sdk::VmSpec& spec) {
        const auto options = plugin_options_of(m_target, VMTEST_KIND_BACKEND);
        const std::string backend_name = m_env.backends.choose(m_target.backend, spec, options);
        m_backend_name = backend_name;
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
        m_boot_timeout = boot_timeout;
        m_watch->set_deadline(Clock::now() + boot_timeout,
                              "after " + seconds_text(boot_timeout) +
                                  " waiting for the guest to boot (boot_timeout)",
                              "boot_timeout");
    }

    void connect() {
        if (!m_control_socket.empty()) {
            m_control = protocol::UnixSocket::connect(
                m_control_socket.string(), Clock::time_point::max(), [this] { return should_stop(); });
        }
        // The backend made its sockets before the guest started: the kernel
        // log's is there now, or the backend does not carry that channel.
        if (!m_kernel_log_socket.empty()) {
            start_kernel_log();
        }
        // An image shows its boot stages until its agent answers; setting it
        // up (mounting the shares) comes after.
        if (!m_target.is_image()) {
            stage(Stage::connecting);
        }
        m_runner->connect(m_channels);
        m_agent_answered = true;
        if (m_target.is_image()) {
            stage(Stage::connecting);
        }
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
        if (m_target.is_image()) {
            sync_image();
            return;  // tear_down() stops the VM
        }
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

    // An image has no vmtest init to power it off cleanly: what its command
    // wrote (to the shares, or to the image itself with image_writable)
    // is flushed through the agent before the VM is stopped.
    void sync_image() {
        std::string ignored;
        m_captured = &ignored;
        try {
            m_runner->run({{"/bin/sync"}, {}, "/"});
        } catch (const std::exception& e) {
            spdlog::warn("could not sync the image's filesystems before stopping it: {}", e.what());
        }
        m_captured = nullptr;
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
        check_kernel_log();
        m_kernel_log.reset();
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

    void start_kernel_log() {
        m_kernel_log = std::make_unique<KernelLogCapture>(m_dir->path() / "kernel.dmesg");
        if (m_kernel_log->start(m_kernel_log_socket.string())) {
            return;
        }
        m_kernel_log.reset();
        if (first_notice_for(m_backend_name)) {
            spdlog::warn("backend {} did not create the kernel log channel ({}): its targets "
                         "keep no .dmesg and are not checked for kernel splats",
                         m_backend_name, k_kernel_log_port);
        }
    }

    // The VM has stopped: takes the rest of the kernel's log, keeps it
    // beside the boot log, and looks for splats in it.
    void check_kernel_log() {
        if (!m_kernel_log) {
            return;
        }
        try {
            m_kernel_log->finish(k_kernel_log_drain);
            spdlog::debug("target {}: {} kernel log record(s)", m_target.name,
                          m_kernel_log->records());
            m_result.dmesg = keep_beside_boot_log(m_kernel_log->file(), ".dmesg");
            if (m_target.kernel_splats != config::KernelSplatPolicy::ignore) {
                judge_splats(find_kernel_splats(util::read_text_file(m_kernel_log->file())));
            }
        } catch (const std::exception& e) {
            spdlog::warn("could not check the guest kernel's log: {}", e.what());
        }
    }

    // A command that passed fails for a splat (kernel_splats = "fail").
    void judge_splats(std::vector<sdk::KernelSplat> splats) {
        const std::size_t found = splats.size();
        if (found > k_max_reported_splats) {
            splats.resize(k_max_reported_splats);
        }
        if (found > 0 && m_result.outcome == Outcome::pass &&
            m_target.kernel_splats == config::KernelSplatPolicy::fail) {
            m_result.outcome = Outcome::fail;
            m_result.error_kind = "kernel_splat";
            m_result.error = "the guest kernel logged " +
                             (found == 1 ? std::string("a splat") : std::to_string(found) + " splats") +
                             ": " + splats.front().title;
        }
        m_result.splats = std::move(splats);
    }

    // Copies `file` to <state dir>/boot-logs/<target><extension>; returns
    // the copy's path, "" when there is no state directory.
    std::string keep_beside_boot_log(const std::filesystem::path& file, const std::string& extension) {
        if (m_env.state_dir.empty() || !std::filesystem::exists(file)) {
            return "";
        }
        try {
            const auto dir = m_env.state_dir / "boot-logs";
            std::filesystem::create_directories(dir);
            const auto saved = dir / kept_log_file_name(m_target.name, extension);
            std::filesystem::copy_file(file, saved, std::filesystem::copy_options::overwrite_existing);
            return saved.string();
        } catch (const std::exception& e) {
            spdlog::warn("could not keep the guest kernel's log: {}", e.what());
            return "";
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
            if (m_captured) {
                m_captured->append(data);
                return;
            }
            m_env.events.output(m_target.name, stream, data);
        };
        return std::make_unique<PluginInstance>(m_env.registry.find(kind, name), config,
                                                std::move(callbacks));
    }

    bool should_stop() {
        return m_watch ? m_watch->stop_reason().has_value() : util::cancellation_requested();
    }

    void stage(Stage stage) { m_env.events.stage(m_target.name, stage); }
    void stage(Stage stage, const std::string& label) {
        m_env.events.stage(m_target.name, stage, label);
    }

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
    std::filesystem::path m_kernel_log_socket;
    std::unique_ptr<KernelLogCapture> m_kernel_log;
    std::string m_backend_name;
    std::vector<sdk::Channel> m_channels;
    std::string m_share_name;
    std::unique_ptr<SharePlugin> m_share;
    std::unique_ptr<RunnerPlugin> m_runner;
    sdk::Command m_command;
    std::unique_ptr<BackendPlugin> m_backend;
    std::unique_ptr<VmWatch> m_watch;
    std::chrono::seconds m_boot_timeout{0};
    bool m_agent_answered = false;
    protocol::UnixSocket m_control;
    // While set, the runner's output goes here instead of to the reporters
    // (vmtest's own commands in an image).
    std::string* m_captured = nullptr;
};

}  // namespace

TargetResult run_target(const config::Target& target, std::size_t index, RunEnvironment& env) {
    return TargetRun(target, index, env).run();
}

}  // namespace vmtest::run
