#include "plugin_host/plugin_library.hpp"

#include <algorithm>
#include <cstddef>

#include <boost/dll/library_info.hpp>
#include <dlfcn.h>

#include "plugin_host/ops_entry.hpp"

namespace vmtest::plugin_host {

namespace {

std::string abi_text(uint32_t major, uint32_t minor) {
    return std::to_string(major) + "." + std::to_string(minor);
}

// Looks for the entry symbol without running any of the library's code
// (dlopen would run its static constructors).
bool exports_entry_symbol(const std::filesystem::path& file) {
    boost::dll::library_info info(boost::dll::fs::path(file.string()), false);
    const auto symbols = info.symbols();
    return std::find(symbols.begin(), symbols.end(), VMTEST_PLUGIN_ENTRY_SYMBOL) != symbols.end();
}

// Each required entry of `ops` (plugin.h says which), by name.
template <typename Ops, typename Function> struct Required {
    const char* name;
    Function Ops::*member;
};

template <typename Ops, typename... Functions>
void require_entries(const std::string& where, const char* kind, const Ops& ops,
                     Required<Ops, Functions>... required) {
    auto check = [&](const char* name, bool present) {
        if (!present) {
            throw PluginLoadError(where + kind + " table lacks its required entry '" + name +
                                  "' (NULL or beyond its struct_size)");
        }
    };
    (check(required.name, entry(ops, required.member) != nullptr), ...);
}

template <typename Ops, typename Function>
Required<Ops, Function> required(const char* name, Function Ops::*member) {
    return {name, member};
}

// A plugin that leaves a required entry NULL is refused here, once, rather
// than failing whenever that entry is first called.
void validate_ops(const std::string& where, const vmtest_plugin_descriptor* d) {
    if (*static_cast<const uint32_t*>(d->ops) < sizeof(uint32_t)) {
        throw PluginLoadError(where + "ops table is too small");
    }
    switch (d->kind) {
    case VMTEST_KIND_BACKEND: {
        const auto& ops = *static_cast<const vmtest_backend_ops*>(d->ops);
        using O = vmtest_backend_ops;
        require_entries(where, "backend", ops, required("describe", &O::describe),
                        required("start", &O::start), required("wait", &O::wait),
                        required("stop", &O::stop));
        break;
    }
    case VMTEST_KIND_SHARE: {
        const auto& ops = *static_cast<const vmtest_share_ops*>(d->ops);
        using O = vmtest_share_ops;
        require_entries(where, "share", ops, required("describe", &O::describe),
                        required("prepare", &O::prepare), required("release", &O::release));
        break;
    }
    case VMTEST_KIND_RUNNER: {
        const auto& ops = *static_cast<const vmtest_runner_ops*>(d->ops);
        using O = vmtest_runner_ops;
        require_entries(where, "runner", ops, required("describe", &O::describe),
                        required("connect", &O::connect), required("run", &O::run));
        break;
    }
    case VMTEST_KIND_REPORTER: {
        const auto& ops = *static_cast<const vmtest_reporter_ops*>(d->ops);
        require_entries(where, "reporter", ops, required("event", &vmtest_reporter_ops::event));
        break;
    }
    }
}

void validate(const std::filesystem::path& file, const vmtest_plugin_descriptor* d) {
    const std::string where = "plugin " + file.string() + ": ";
    if (!d) {
        throw PluginLoadError(where + VMTEST_PLUGIN_ENTRY_SYMBOL + "() returned no descriptor");
    }
    // The descriptor of ABI 1.0 ends with `ops`; a shorter one is not ours.
    if (d->struct_size < offsetof(vmtest_plugin_descriptor, ops) + sizeof(d->ops)) {
        throw PluginLoadError(where + "descriptor is too small (" +
                              std::to_string(d->struct_size) + " bytes); not a vmtest plugin?");
    }
    if (d->abi_major != VMTEST_ABI_MAJOR || d->abi_minor > VMTEST_ABI_MINOR) {
        throw PluginLoadError(where + "built for vmtest plugin ABI " +
                              abi_text(d->abi_major, d->abi_minor) + ", but this vmtest has ABI " +
                              abi_text(VMTEST_ABI_MAJOR, VMTEST_ABI_MINOR) +
                              " (a plugin needs the same major and a minor no newer); rebuild it "
                              "against this vmtest's SDK");
    }
    if (d->kind < VMTEST_KIND_BACKEND || d->kind > VMTEST_KIND_RUNNER) {
        throw PluginLoadError(where + "unknown plugin kind " + std::to_string(d->kind));
    }
    if (!d->name || !*d->name) {
        throw PluginLoadError(where + "descriptor has no name");
    }
    if (!d->create || !d->destroy || !d->ops) {
        throw PluginLoadError(where + "descriptor lacks create, destroy or ops");
    }
    validate_ops(where, d);
}

// Boost.DLL reports a failed load as a bare error code and clears
// dlerror(); the loader's own text ("undefined symbol: ...") is what a plugin
// author needs, so ask dlopen once more for it.
std::string loader_message(const std::filesystem::path& file) {
    void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle) {
        dlclose(handle);
        return "unknown loader error";
    }
    const char* message = dlerror();
    return message ? message : "unknown loader error";
}

}  // namespace

const char* kind_name(uint32_t kind) {
    switch (kind) {
    case VMTEST_KIND_BACKEND:
        return "backend";
    case VMTEST_KIND_SHARE:
        return "share";
    case VMTEST_KIND_REPORTER:
        return "reporter";
    case VMTEST_KIND_RUNNER:
        return "runner";
    default:
        return "unknown";
    }
}

PluginLibrary::PluginLibrary(std::filesystem::path file, boost::dll::shared_library library,
                             const vmtest_plugin_descriptor* descriptor)
    : m_file(std::move(file)), m_library(std::move(library)), m_descriptor(descriptor) {}

std::shared_ptr<PluginLibrary> PluginLibrary::load(const std::filesystem::path& file) {
    try {
        if (!exports_entry_symbol(file)) {
            throw PluginLoadError("plugin " + file.string() + ": does not export " +
                                  VMTEST_PLUGIN_ENTRY_SYMBOL + "; is it a vmtest plugin?");
        }
    } catch (const PluginLoadError&) {
        throw;
    } catch (const std::exception& e) {
        throw PluginLoadError("plugin " + file.string() + ": not a shared object (" + e.what() +
                              ")");
    }
    boost::dll::fs::error_code error;
    // rtld_now: a plugin with unresolved symbols fails here, with the
    // loader's message, instead of crashing mid-run. rtld_local: plugins
    // cannot see, and clash with, each other's symbols.
    boost::dll::shared_library library(
        boost::dll::fs::path(file.string()),
        boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, error);
    if (error) {
        throw PluginLoadError("plugin " + file.string() + ": cannot load: " +
                              loader_message(file));
    }
    auto& entry = library.get<const vmtest_plugin_descriptor*()>(VMTEST_PLUGIN_ENTRY_SYMBOL);
    const vmtest_plugin_descriptor* descriptor = entry();
    validate(file, descriptor);
    return std::shared_ptr<PluginLibrary>(
        new PluginLibrary(file, std::move(library), descriptor));
}

}  // namespace vmtest::plugin_host
