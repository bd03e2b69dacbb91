#include "config/config_file.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <map>
#include <utility>

#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include "config/config_text_reader.hpp"
#include "config/control_characters.hpp"
#include "config/guest_mount_path.hpp"
#include "config/guest_root_arch.hpp"
#include "config/kernel_command_line.hpp"
#include "config/kernel_location.hpp"
#include "config/memory_size.hpp"
#include "config/plugin_option_values.hpp"
#include "config/qemu_argument_policy.hpp"
#include "config/reporter_spec.hpp"
#include "config/toml_nesting_check.hpp"
#include "config/toml_table_reader.hpp"

namespace vmtest::config {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 3> k_document_fields = {"target", "reporters", "jobs"};

constexpr std::array<std::string_view, 25> k_target_fields = {
    "name",    "kernel",  "image",   "uefi",         "kernel_args",  "rootfs",
    "arch",    "command", "vm",      "qemu_command", "kvm_cpu_args", "backend",
    "share",   "runner",  "timeout", "boot_timeout", "root_writable", "modules",
    "kernel_sha256", "modules_sha256", "backend_options", "share_options", "runner_options",
    "kernel_splats", "image_writable"};

constexpr std::array<std::string_view, 5> k_vm_fields = {"num_cpus", "memory", "mounts", "bios",
                                                         "extra_args"};

constexpr std::array<std::string_view, 2> k_mount_fields = {"host_path", "writable"};

// Far beyond any sensible run, and small enough that deadline arithmetic
// on steady_clock cannot overflow.
constexpr std::int64_t k_max_timeout_seconds = INT32_MAX;
constexpr std::string_view k_timeout_expectation = "a positive integer (seconds)";

fs::path resolve(const fs::path& base_dir, const std::string& text) {
    const fs::path path(text);
    return (path.is_relative() ? base_dir / path : path).lexically_normal();
}

// For fields where "" is never meant: an empty path would silently resolve
// to the config directory, an empty plugin name would match nothing.
std::optional<std::string> read_non_empty_string(const TomlTableReader& reader,
                                                 std::string_view key) {
    auto text = reader.read_string(key);
    if (text && text->empty()) {
        reader.fail(key, "field '" + reader.field_name(key) + "' must not be empty");
    }
    return text;
}

// A plugin name, whose origin is kept: whether the plugin exists is known
// only once plugins are loaded, and that error must point here too.
std::optional<std::string> read_plugin_name(const TomlTableReader& reader, std::string_view key,
                                            const std::string& file, Target& target) {
    auto name = read_non_empty_string(reader, key);
    if (name) {
        target.origins[std::string(key)] = FieldOrigin{file, reader.key_position(key), ""};
    }
    return name;
}

std::optional<fs::path> read_path(const TomlTableReader& reader, std::string_view key,
                                  const fs::path& base_dir) {
    const auto text = read_non_empty_string(reader, key);
    if (!text) {
        return std::nullopt;
    }
    return resolve(base_dir, *text);
}

// A kernel or modules location: a URL as written, else a path like read_path's.
std::optional<fs::path> read_location(const TomlTableReader& reader, std::string_view key,
                                      const fs::path& base_dir) {
    const auto text = read_non_empty_string(reader, key);
    if (!text) {
        return std::nullopt;
    }
    return resolve_location(base_dir, *text);
}

// `<location>_sha256`: a hex SHA-256 of what the URL in `location_key` serves.
std::optional<std::string> read_sha256(const TomlTableReader& reader, std::string_view key,
                                       std::string_view location_key,
                                       const std::optional<fs::path>& location) {
    auto text = reader.read_string(key);
    if (!text) {
        return std::nullopt;
    }
    if (!is_sha256_hex(*text)) {
        reader.fail_type(key, "a SHA-256 as 64 hexadecimal digits");
    }
    if (!location || !is_url(*location)) {
        reader.fail(key, "field '" + reader.field_name(key) + "' needs '" +
                             std::string(location_key) + "' to be an http:// or https:// URL");
    }
    std::transform(text->begin(), text->end(), text->begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::optional<std::chrono::seconds> read_seconds(const TomlTableReader& reader,
                                                 std::string_view key) {
    const auto seconds = reader.read_integer(key, 1, k_max_timeout_seconds, k_timeout_expectation);
    if (!seconds) {
        return std::nullopt;
    }
    return std::chrono::seconds(*seconds);
}

std::vector<Mount> read_mounts(const TomlTableReader& vm_reader, const fs::path& base_dir,
                               const ErrorScope& scope) {
    std::vector<Mount> mounts;
    const toml::table* table = vm_reader.read_table("mounts");
    if (table == nullptr) {
        return mounts;
    }
    const std::string mounts_field = vm_reader.field_name("mounts");
    const TomlTableReader mounts_reader(*table, mounts_field, scope);
    for (auto&& [key, value] : *table) {
        const std::string guest_path(key.str());
        if (const auto problem = guest_mount_path_problem(guest_path, base_dir)) {
            mounts_reader.fail(guest_path, "field '" + mounts_field + "': guest path " +
                                               quote(guest_path) + " " + *problem);
        }
        if (!value.is_table()) {
            mounts_reader.fail_type(guest_path, "a table like { host_path = \"...\" }");
        }
        const TomlTableReader mount_reader(*value.as_table(), mounts_reader.field_name(guest_path),
                                           scope);
        mount_reader.reject_unknown_keys(k_mount_fields);
        if (mount_reader.find("host_path") == nullptr) {
            mount_reader.fail_missing("host_path");
        }
        Mount mount;
        mount.guest_path = guest_path;
        mount.host_path = *read_path(mount_reader, "host_path", base_dir);
        mount.writable = mount_reader.read_bool("writable").value_or(false);
        mounts.push_back(std::move(mount));
    }
    // Parents before children, so mounting in order never hides a mount.
    std::sort(mounts.begin(), mounts.end(),
              [](const Mount& a, const Mount& b) { return a.guest_path < b.guest_path; });
    return mounts;
}

VmSettings read_vm(const TomlTableReader& target_reader, const fs::path& base_dir,
                   const ErrorScope& scope) {
    VmSettings vm;
    const toml::table* table = target_reader.read_table("vm");
    if (table == nullptr) {
        return vm;
    }
    const TomlTableReader reader(*table, "vm", scope);
    reader.reject_unknown_keys(k_vm_fields);
    if (const auto cpus = reader.read_integer("num_cpus", 1, 255, "an integer from 1 to 255")) {
        vm.num_cpus = static_cast<int>(*cpus);
    }
    if (const auto memory = reader.read_string("memory")) {
        const auto bytes = memory_size_bytes(*memory);
        if (!bytes) {
            reader.fail_type("memory", "a QEMU memory size like \"512M\" or \"4G\"");
        }
        if (*bytes < k_min_memory_bytes) {
            reader.fail_type("memory", "at least " + std::string(k_min_memory_text) +
                                           " (smaller guests do not boot)");
        }
        vm.memory = *memory;
    }
    vm.mounts = read_mounts(reader, base_dir, scope);
    vm.bios = read_path(reader, "bios", base_dir);
    if (auto extra_args = reader.read_string_array("extra_args")) {
        if (const auto refused = find_refused_qemu_argument(*extra_args)) {
            const std::string field = "vm.extra_args[" + std::to_string(refused->index) + "]";
            const toml::node& element = (*reader.find("extra_args")->as_array())[refused->index];
            reader.fail_at(to_position(element.source().begin), field,
                           "field '" + field + "': " + refused->message());
        }
        vm.extra_args = std::move(*extra_args);
    }
    return vm;
}

// [target.<kind>_options]: values go to the plugin as they are; which names
// and types it takes is checked once plugins are loaded, so each value's
// place is kept for that error.
void read_plugin_options(const TomlTableReader& target_reader, const std::string& kind,
                         const std::string& file, const ErrorScope& scope, Target& target) {
    const std::string key = kind + "_options";
    const toml::table* table = target_reader.read_table(key);
    if (table == nullptr) {
        return;
    }
    const TomlTableReader reader(*table, key, scope);
    nlohmann::json options = nlohmann::json::object();
    for (auto&& [name_key, node] : *table) {
        const std::string name(name_key.str());
        auto value = toml_value_to_json(node);
        if (!value) {
            reader.fail_type(name, "a string, number, boolean or array of them");
        }
        auto refused = kind == "backend" ? refused_backend_option(name, *value) : std::nullopt;
        if (refused) {
            reader.fail(name, "field '" + reader.field_name(name) + "': " + *refused);
        }
        options[name] = std::move(*value);
        target.origins[reader.field_name(name)] = FieldOrigin{file, reader.key_position(name), ""};
    }
    // The upstream field and the option it stands for would disagree.
    if (kind == "backend") {
        for (const char* alias : {"qemu_command", "kvm_cpu_args"}) {
            if (options.contains(alias) && target_reader.find(alias) != nullptr) {
                reader.fail(alias, "field '" + reader.field_name(alias) + "' and field '" +
                                       alias + "' set the same option; keep one");
            }
        }
    }
    target.plugin_options[kind] = std::move(options);
}

// The keys that must agree with each other once each one is well-formed.
void check_boot_source(const TomlTableReader& reader, const Target& target) {
    const bool has_kernel = reader.find("kernel") != nullptr;
    const bool has_image = reader.find("image") != nullptr;
    if (has_kernel && has_image) {
        // Point at whichever comes second: that is the line to delete.
        const auto kernel_at = reader.key_position("kernel");
        const auto image_at = reader.key_position("image");
        const bool image_later = std::pair(image_at.line, image_at.column) >
                                 std::pair(kernel_at.line, kernel_at.column);
        reader.fail(image_later ? "image" : "kernel",
                    "fields 'kernel' and 'image' are mutually exclusive");
    }
    if (!has_kernel && !has_image) {
        reader.fail_at(reader.table_position(), "kernel",
                       "one of fields 'kernel' or 'image' is required");
    }
    if (has_image && reader.find("kernel_args") != nullptr) {
        reader.fail("kernel_args", "field 'kernel_args' cannot be used with 'image'");
    }
    if (has_kernel && target.uefi) {
        reader.fail("uefi", "field 'uefi' cannot be used with 'kernel'");
    }
    if (has_image && reader.find("modules") != nullptr) {
        reader.fail("modules", "field 'modules' cannot be used with 'image'");
    }
    if (has_kernel && reader.find("image_writable") != nullptr) {
        reader.fail("image_writable", "field 'image_writable' cannot be used with 'kernel'");
    }
}

Target read_target(const toml::table& table, std::size_t index, const fs::path& base_dir,
                   const std::string& file) {
    ErrorScope scope{file, "", index};
    const TomlTableReader reader(table, "", scope);
    Target target;
    // The name first, so that every later error can say which target it is about.
    target.name = reader.require_string("name");
    if (target.name.empty()) {
        reader.fail("name", "field 'name' must not be empty");
    }
    // The name is printed on every console line and names the boot log.
    if (has_control_character(target.name)) {
        reader.fail("name", "field 'name' must not contain control characters, got " +
                                quote(target.name));
    }
    scope.target_name = target.name;
    reader.reject_unknown_keys(k_target_fields);

    target.kernel = read_location(reader, "kernel", base_dir);
    target.modules = read_location(reader, "modules", base_dir);
    target.image = read_path(reader, "image", base_dir);
    target.uefi = reader.read_bool("uefi").value_or(false);
    target.image_writable = reader.read_bool("image_writable").value_or(false);
    if (auto arch = reader.read_string("arch")) {
        if (!is_supported_arch(*arch)) {
            reader.fail_type("arch", supported_arches_text());
        }
        target.arch = std::move(*arch);
    }
    target.kernel_args = reader.read_string("kernel_args").value_or("");
    if (const auto problem = kernel_args_problem(target.arch, target.kernel_args)) {
        reader.fail("kernel_args", "field 'kernel_args' " + *problem);
    }
    check_boot_source(reader, target);
    target.kernel_sha256 = read_sha256(reader, "kernel_sha256", "kernel", target.kernel);
    target.modules_sha256 = read_sha256(reader, "modules_sha256", "modules", target.modules);

    if (auto rootfs = read_path(reader, "rootfs", base_dir)) {
        target.rootfs = std::move(*rootfs);
    }
    if (const auto problem = guest_root_problem(target)) {
        reader.fail(problem->field, "field '" + problem->field + "': " + problem->message);
    }
    target.command = reader.require_string("command");
    if (target.command.empty()) {
        reader.fail("command", "field 'command' must not be empty");
    }
    target.qemu_command = read_non_empty_string(reader, "qemu_command");
    target.kvm_cpu_args = read_non_empty_string(reader, "kvm_cpu_args");
    if (target.kvm_cpu_args) {
        if (const auto refused = find_refused_kvm_cpu_argument(*target.kvm_cpu_args)) {
            reader.fail("kvm_cpu_args", "field 'kvm_cpu_args': " + refused->message());
        }
    }
    target.backend = read_plugin_name(reader, "backend", file, target).value_or(target.backend);
    target.share = read_plugin_name(reader, "share", file, target).value_or(target.share);
    target.runner = read_plugin_name(reader, "runner", file, target).value_or(target.runner);
    for (const char* kind : k_option_kinds) {
        read_plugin_options(reader, kind, file, scope, target);
    }
    target.timeout = read_seconds(reader, "timeout").value_or(target.timeout);
    target.boot_timeout = read_seconds(reader, "boot_timeout");
    target.root_writable = reader.read_bool("root_writable").value_or(false);
    if (const auto splats = reader.read_string("kernel_splats")) {
        const auto policy = parse_kernel_splat_policy(*splats);
        if (!policy) {
            reader.fail_type("kernel_splats", k_kernel_splat_values);
        }
        target.kernel_splats = *policy;
    }

    target.vm = read_vm(reader, base_dir, scope);
    const auto backend_options = target.plugin_options.find("backend");
    if (backend_options != target.plugin_options.end() &&
        backend_options->second.contains("extra_args") && !target.vm.extra_args.empty()) {
        const TomlTableReader options_reader(*reader.read_table("backend_options"),
                                             "backend_options", scope);
        options_reader.fail("extra_args", "field 'backend_options.extra_args' and field "
                                          "'vm.extra_args' set the same option; keep one");
    }
    if (target.vm.bios && !target.uefi) {
        const TomlTableReader vm_reader(*reader.read_table("vm"), "vm", scope);
        vm_reader.fail("bios", "field 'vm.bios' requires 'uefi = true'");
    }

    target.base_dir = base_dir;
    target.workdir = fs::path(k_guest_base_dir);
    return target;
}

std::vector<ReporterSpec> read_reporters(const TomlTableReader& reader, const fs::path& base_dir) {
    std::vector<ReporterSpec> reporters;
    const auto specs = reader.read_string_array("reporters");
    if (!specs) {
        return reporters;
    }
    const toml::array& array = *reader.find("reporters")->as_array();
    for (std::size_t i = 0; i < specs->size(); ++i) {
        auto spec = parse_reporter_spec((*specs)[i]);
        if (!spec) {
            const std::string field = "reporters[" + std::to_string(i) + "]";
            reader.fail_at(to_position(array[i].source().begin), field,
                           "field '" + field + "' must look like NAME or NAME=PATH, got " +
                               quote((*specs)[i]));
        }
        if (spec->output) {
            spec->output = resolve(base_dir, spec->output->string());
        }
        reporters.push_back(std::move(*spec));
    }
    return reporters;
}

std::string lowercase_first(std::string text) {
    if (!text.empty()) {
        text.front() = static_cast<char>(std::tolower(static_cast<unsigned char>(text.front())));
    }
    return text;
}

}  // namespace

Config parse_config(std::string_view text, const fs::path& file_for_messages) {
    const std::string file = file_for_messages.string();
    // Bounded before toml++ sees the text: it recurses once per level.
    if (text.size() > k_max_config_bytes) {
        fail_config_too_large(file);
    }
    check_toml_nesting(text, file);
    toml::table document;
    try {
        document = toml::parse(text, std::string_view(file));
    } catch (const toml::parse_error& error) {
        throw ConfigError(ConfigError::Details{
            file, to_position(error.source().begin), "", std::nullopt, "",
            "TOML syntax error: " + lowercase_first(std::string(error.description()))});
    }

    const fs::path base_dir = fs::absolute(file_for_messages).parent_path().lexically_normal();
    const ErrorScope scope{file, "", std::nullopt};
    const TomlTableReader reader(document, "", scope);
    reader.reject_unknown_keys(k_document_fields);

    Config config;
    config.file = file_for_messages;
    config.reporters = read_reporters(reader, base_dir);
    if (const auto jobs = reader.read_integer("jobs", 1, k_max_jobs,
                                              "an integer from 1 to " + std::to_string(k_max_jobs))) {
        config.jobs = static_cast<int>(*jobs);
    }

    constexpr std::string_view k_no_targets = "no targets defined; add at least one [[target]] table";
    const toml::node* targets = reader.find("target");
    if (targets == nullptr) {
        reader.fail_at(std::nullopt, "target", std::string(k_no_targets));
    }
    if (targets->is_array() && targets->as_array()->empty()) {
        reader.fail("target", std::string(k_no_targets));
    }
    if (!targets->is_array() || !targets->as_array()->is_array_of_tables()) {
        reader.fail_type("target", "an array of tables ([[target]])");
    }

    std::map<std::string, int> first_line_of_name;
    const toml::array& array = *targets->as_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
        Target target = read_target(*array[i].as_table(), i + 1, base_dir, file);
        const ErrorScope target_scope{file, target.name, i + 1};
        const TomlTableReader target_reader(*array[i].as_table(), "", target_scope);
        const auto [existing, inserted] =
            first_line_of_name.emplace(target.name, target_reader.key_position("name").line);
        if (!inserted) {
            target_reader.fail("name", "duplicate target name (first defined at line " +
                                           std::to_string(existing->second) + ")");
        }
        config.targets.push_back(std::move(target));
    }
    return config;
}

Config load_config_file(const fs::path& file) {
    Config config = parse_config(read_config_text(file), file);
    spdlog::debug("{}: {} target(s)", file.string(), config.targets.size());
    return config;
}

}  // namespace vmtest::config
