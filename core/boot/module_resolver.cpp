// modules.dep and modules.builtin, briefly. `depmod` writes both into
// /lib/modules/<release>/. modules.dep has one line per loadable module:
//     kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/netfs/netfs.ko
// the module's file (relative to the directory, or absolute in very old
// versions), a colon, then every module it needs, directly or not. Files may
// carry a compression suffix (.ko.xz, .ko.zst, .ko.gz). modules.builtin
// lists, one per line, the files the modules compiled into the kernel would
// have had ("kernel/drivers/virtio/virtio.ko"), so asking for them is not an
// error. A module's name is its file name without ".ko..."; '-' and '_' in
// names are interchangeable.

#include "boot/module_resolver.hpp"

#include "boot/boot_error.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace vmtest::boot {

namespace {

struct ModuleEntry {
    std::filesystem::path file;
    std::vector<std::string> dependencies;  // normalized names
};

struct DepDatabase {
    std::map<std::string, ModuleEntry> modules;  // keyed by normalized name
    std::set<std::string> builtin;
};

std::filesystem::path module_file(const std::filesystem::path& dir, const std::string& field) {
    std::filesystem::path file(field);
    return file.is_absolute() ? file : dir / file;
}

DepDatabase load_database(const std::filesystem::path& dir) {
    DepDatabase database;
    std::filesystem::path dep_path = dir / "modules.dep";
    std::ifstream dep(dep_path);
    if (!dep) {
        throw BootError("cannot read " + dep_path.string() +
                        " (run depmod for this kernel, or remove the directory if every needed "
                        "driver is built in)");
    }
    std::string line;
    while (std::getline(dep, line)) {
        auto colon = line.find(':');
        if (colon == std::string::npos) {
            continue;
        }
        ModuleEntry entry;
        entry.file = module_file(dir, line.substr(0, colon));
        std::istringstream rest(line.substr(colon + 1));
        std::string dependency;
        while (rest >> dependency) {
            entry.dependencies.push_back(module_name_of(dependency));
        }
        database.modules.emplace(module_name_of(entry.file), std::move(entry));
    }
    std::ifstream builtin(dir / "modules.builtin");
    while (std::getline(builtin, line)) {
        if (!line.empty()) {
            database.builtin.insert(module_name_of(line));
        }
    }
    return database;
}

class Resolver {
public:
    Resolver(const DepDatabase& database, const std::filesystem::path& dir, const std::string& release)
        : m_database(database), m_dir(dir), m_release(release) {}

    // Depth-first: a module is appended after everything it needs.
    void add(const std::string& name, std::vector<std::string>& chain) {
        if (m_done.count(name) != 0) {
            return;
        }
        auto found = m_database.modules.find(name);
        if (found == m_database.modules.end()) {
            throw MissingModuleError("kernel " + m_release + " has no module '" + name + "' in " +
                                     m_dir.string() + " (not in modules.dep or modules.builtin)" +
                                     (chain.empty() ? "" : ", needed by '" + chain.back() + "'"));
        }
        if (std::find(chain.begin(), chain.end(), name) != chain.end()) {
            throw BootError("circular module dependency through '" + name + "' in " +
                            (m_dir / "modules.dep").string());
        }
        chain.push_back(name);
        // modules.dep lists the deepest dependencies last; walking the list
        // backwards loads in the same order as modprobe.
        const auto& dependencies = found->second.dependencies;
        for (auto it = dependencies.rbegin(); it != dependencies.rend(); ++it) {
            add(*it, chain);
        }
        chain.pop_back();
        m_done.insert(name);
        m_order.push_back(found->second.file);
    }

    std::vector<std::filesystem::path> take_order() { return std::move(m_order); }

private:
    const DepDatabase& m_database;
    const std::filesystem::path& m_dir;
    const std::string& m_release;
    std::set<std::string> m_done;
    std::vector<std::filesystem::path> m_order;
};

}  // namespace

std::string normalize_module_name(std::string_view name) {
    std::string normalized(name);
    std::replace(normalized.begin(), normalized.end(), '-', '_');
    return normalized;
}

std::string module_name_of(const std::filesystem::path& file) {
    std::string name = file.filename().string();
    auto ko = name.rfind(".ko");
    if (ko != std::string::npos) {
        name.resize(ko);
    }
    return normalize_module_name(name);
}

ModuleResolution resolve_modules(const std::vector<std::string>& wanted,
                                 const std::vector<std::filesystem::path>& candidate_dirs,
                                 const std::string& release) {
    ModuleResolution resolution;
    for (const auto& dir : candidate_dirs) {
        std::error_code error;
        if (std::filesystem::is_directory(dir, error)) {
            resolution.modules_dir_found = true;
            resolution.modules_dir = dir;
            break;
        }
    }
    if (!resolution.modules_dir_found) {
        return resolution;
    }

    DepDatabase database = load_database(resolution.modules_dir);
    Resolver resolver(database, resolution.modules_dir, release);
    for (const auto& raw_name : wanted) {
        std::string name = normalize_module_name(raw_name);
        if (database.modules.count(name) == 0 && database.builtin.count(name) != 0) {
            resolution.builtin.push_back(name);
            continue;
        }
        std::vector<std::string> chain;
        resolver.add(name, chain);
    }
    resolution.modules = resolver.take_order();
    return resolution;
}

}  // namespace vmtest::boot
