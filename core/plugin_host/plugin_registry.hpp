#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "plugin_host/plugin_library.hpp"

namespace vmtest::plugin_host {

// A shared object found on the plugin path but not accepted, and why.
struct RefusedPlugin {
    std::filesystem::path file;
    std::string reason;
};

// Finds and loads every plugin on the search path. Directories are searched
// in order and the first plugin of a given kind and name wins, so a
// --plugin-path directory can override a built-in plugin.
class PluginRegistry {
  public:
    // `directories`: --plugin-path entries first, then $VMTEST_PLUGIN_PATH
    // entries, then the built-in directory (see default_search_path()).
    explicit PluginRegistry(const std::vector<std::filesystem::path>& directories);

    // --plugin-path dirs, then $VMTEST_PLUGIN_PATH (colon-separated), then
    // the installed plugins, found from the executable's directory as the
    // install tree has them (<bin>/../lib/vmtest/plugins, or
    // ../lib/<multiarch>/vmtest/plugins with a /usr prefix).
    static std::vector<std::filesystem::path>
    default_search_path(const std::vector<std::filesystem::path>& plugin_path_flags);

    // The plugin of `kind` called `name`. Throws PluginLoadError naming what
    // is available (and why a same-named file was refused, if one was).
    std::shared_ptr<PluginLibrary> find(uint32_t kind, const std::string& name) const;
    bool has(uint32_t kind, const std::string& name) const;

    std::vector<std::shared_ptr<PluginLibrary>> plugins() const;
    const std::vector<RefusedPlugin>& refused() const { return m_refused; }
    const std::vector<std::filesystem::path>& directories() const { return m_directories; }

  private:
    std::vector<std::filesystem::path> m_directories;
    std::map<std::pair<uint32_t, std::string>, std::shared_ptr<PluginLibrary>> m_plugins;
    std::vector<RefusedPlugin> m_refused;
};

}  // namespace vmtest::plugin_host
