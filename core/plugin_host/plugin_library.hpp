#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <boost/dll/shared_library.hpp>

#include "vmtest/sdk/plugin.h"

namespace vmtest::plugin_host {

// Why a shared object was not accepted as a plugin, in one line that names
// the file (and both ABI versions when they are the reason).
class PluginLoadError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

const char* kind_name(uint32_t kind);

// One loaded plugin shared object and its validated descriptor. Instances
// created from it hold a shared_ptr to it, so the code they run cannot be
// unloaded under them.
class PluginLibrary {
  public:
    // Throws PluginLoadError when `file` is not a plugin this host can use.
    static std::shared_ptr<PluginLibrary> load(const std::filesystem::path& file);

    const std::filesystem::path& file() const { return m_file; }
    const vmtest_plugin_descriptor& descriptor() const { return *m_descriptor; }
    uint32_t kind() const { return m_descriptor->kind; }
    std::string name() const { return m_descriptor->name; }
    std::string version() const { return m_descriptor->version ? m_descriptor->version : ""; }
    std::string summary() const { return m_descriptor->summary ? m_descriptor->summary : ""; }

  private:
    PluginLibrary(std::filesystem::path file, boost::dll::shared_library library,
                  const vmtest_plugin_descriptor* descriptor);

    std::filesystem::path m_file;
    boost::dll::shared_library m_library;
    const vmtest_plugin_descriptor* m_descriptor;
};

}  // namespace vmtest::plugin_host
