#include "plugin_host/plugin_library.hpp"

#include <dlfcn.h>

#include "plugin_host/elf_exports.hpp"
#include "vmtest/sdk/ops_table.hpp"

namespace vmtest::plugin_host {

namespace {

// Looks for the entry symbol without running any of the library's code
// (dlopen would run its static constructors), in the dynamic symbol table,
// so that stripped plugins (every packaged one) are found.
bool exports_entry_symbol(const std::filesystem::path& file) {
    return elf_exports(file, VMTEST_PLUGIN_ENTRY_SYMBOL);
}

void validate(const std::filesystem::path& file, const vmtest_plugin_descriptor* d) {
    if (const std::string problem = sdk::descriptor_problem(d); !problem.empty()) {
        throw PluginLoadError("plugin " + file.string() + ": " + problem);
    }
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

const char* kind_name(uint32_t kind) { return sdk::kind_name(kind); }

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
