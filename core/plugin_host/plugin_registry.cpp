#include "plugin_host/plugin_registry.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include <spdlog/spdlog.h>

#include "util/paths.hpp"

namespace vmtest::plugin_host {

namespace {

std::vector<std::filesystem::path> shared_objects_in(const std::filesystem::path& directory) {
    std::vector<std::filesystem::path> files;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
        if (entry.path().extension() == ".so" && entry.is_regular_file()) {
            files.push_back(entry.path());
        }
    }
    // Directory order is arbitrary; a stable order makes "first wins" predictable.
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

std::vector<std::filesystem::path>
PluginRegistry::default_search_path(const std::vector<std::filesystem::path>& plugin_path_flags) {
    std::vector<std::filesystem::path> path = plugin_path_flags;
    if (const char* env = std::getenv("VMTEST_PLUGIN_PATH"); env && *env) {
        std::stringstream entries(env);
        for (std::string entry; std::getline(entries, entry, ':');) {
            if (!entry.empty()) {
                path.emplace_back(entry);
            }
        }
    }
    path.push_back((util::executable_dir() / VMTEST_PLUGIN_DIR_FROM_BINDIR).lexically_normal());
    return path;
}

PluginRegistry::PluginRegistry(const std::vector<std::filesystem::path>& directories)
    : m_directories(directories) {
    for (const auto& directory : directories) {
        if (!std::filesystem::is_directory(directory)) {
            spdlog::debug("plugin directory {} does not exist", directory.string());
            continue;
        }
        for (const auto& file : shared_objects_in(directory)) {
            try {
                auto library = PluginLibrary::load(file);
                const auto key = std::make_pair(library->kind(), library->name());
                if (m_plugins.count(key)) {
                    spdlog::debug("{} {} from {} is shadowed by {}", kind_name(key.first),
                                  key.second, file.string(), m_plugins[key]->file().string());
                    continue;
                }
                spdlog::debug("loaded {} plugin {} {} from {}", kind_name(key.first), key.second,
                              library->version(), file.string());
                m_plugins.emplace(key, std::move(library));
            } catch (const PluginLoadError& e) {
                spdlog::debug("{}", e.what());
                m_refused.push_back({file, e.what()});
            }
        }
    }
}

bool PluginRegistry::has(uint32_t kind, const std::string& name) const {
    return m_plugins.count({kind, name}) != 0;
}

std::shared_ptr<PluginLibrary> PluginRegistry::find(uint32_t kind, const std::string& name) const {
    if (auto it = m_plugins.find({kind, name}); it != m_plugins.end()) {
        return it->second;
    }
    // A refused file named like the plugin is the likely culprit: say why.
    for (const auto& refused : m_refused) {
        const std::string stem = refused.file.stem().string();
        if (stem == name || stem.ends_with("-" + name)) {
            throw PluginLoadError(refused.reason);
        }
    }
    std::string available;
    for (const auto& [key, library] : m_plugins) {
        if (key.first == kind) {
            available += (available.empty() ? "" : ", ") + key.second;
        }
    }
    throw PluginLoadError("no " + std::string(kind_name(kind)) + " plugin named '" + name +
                          "' (available: " + (available.empty() ? "none" : available) +
                          "; see vmtest --list-plugins)");
}

std::vector<std::shared_ptr<PluginLibrary>> PluginRegistry::plugins() const {
    std::vector<std::shared_ptr<PluginLibrary>> all;
    for (const auto& [key, library] : m_plugins) {
        all.push_back(library);
    }
    return all;
}

}  // namespace vmtest::plugin_host
