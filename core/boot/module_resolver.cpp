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
//
// Where depmod never ran there is no modules.dep: a kernel package (its
// postinst runs depmod), a build tree (`make modules` leaves modules.order
// and the .ko files beside their sources). Then the modules are found from
// modules.order (one file a line: "kernel/fs/9p/9p.ko" when installed,
// "fs/9p/9p.o" in a 6.2+ build tree, "fs/9p/9p.ko" before), else by walking
// the directory, and each needed module's dependencies are read from its
// own .modinfo `depends=` field, as depmod would.

#include "boot/module_resolver.hpp"

#include "boot/boot_error.hpp"
#include "boot/modinfo.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace vmtest::boot {

namespace {

constexpr std::string_view k_module_suffixes[] = {".ko", ".ko.xz", ".ko.zst", ".ko.gz"};

struct ModuleEntry {
    // The file, or for a modules.order entry the path without ".o"/".ko",
    // completed with one of k_module_suffixes when first needed.
    std::filesystem::path file;
    bool file_known = true;
    std::optional<std::vector<std::string>> dependencies;  // normalized names; none: read modinfo
};

struct DepDatabase {
    std::map<std::string, ModuleEntry> modules;  // keyed by normalized name
    std::set<std::string> builtin;
    std::string index;  // what listed the modules: "modules.dep", "modules.order", "" (a walk)
};

std::filesystem::path module_file(const std::filesystem::path& dir, const std::string& field) {
    std::filesystem::path file(field);
    return file.is_absolute() ? file : dir / file;
}

void load_modules_dep(std::ifstream& dep, const std::filesystem::path& dir, DepDatabase& database) {
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
        entry.dependencies.emplace();
        while (rest >> dependency) {
            entry.dependencies->push_back(module_name_of(dependency));
        }
        database.modules.emplace(module_name_of(entry.file), std::move(entry));
    }
}

// "fs/9p/9p.o" or "kernel/fs/9p/9p.ko" -> "<dir>/fs/9p/9p"; the file on
// disk may be compressed, so its suffix is found when it is needed.
void load_modules_order(std::ifstream& order, const std::filesystem::path& dir,
                        DepDatabase& database) {
    std::string line;
    while (std::getline(order, line)) {
        std::string_view stem(line);
        for (std::string_view suffix : {".o", ".ko"}) {
            if (stem.size() > suffix.size() && stem.substr(stem.size() - suffix.size()) == suffix) {
                stem.remove_suffix(suffix.size());
                break;
            }
        }
        if (stem.empty()) {
            continue;
        }
        ModuleEntry entry;
        entry.file = module_file(dir, std::string(stem));
        entry.file_known = false;
        database.modules.emplace(normalize_module_name(entry.file.filename().string()),
                                 std::move(entry));
    }
}

bool has_module_suffix(const std::string& name) {
    for (std::string_view suffix : k_module_suffixes) {
        if (name.size() > suffix.size() &&
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
            return true;
        }
    }
    return false;
}

void load_directory_walk(const std::filesystem::path& dir, DepDatabase& database) {
    std::error_code error;
    for (std::filesystem::recursive_directory_iterator it(dir, error), end; !error && it != end;
         it.increment(error)) {
        if (it->is_regular_file(error) && has_module_suffix(it->path().filename().string())) {
            ModuleEntry entry;
            entry.file = it->path();
            database.modules.emplace(module_name_of(entry.file), std::move(entry));
        }
    }
}

DepDatabase load_database(const std::filesystem::path& dir) {
    DepDatabase database;
    if (std::ifstream dep(dir / "modules.dep"); dep) {
        database.index = "modules.dep";
        load_modules_dep(dep, dir, database);
    } else if (std::ifstream order(dir / "modules.order"); order) {
        database.index = "modules.order";
        load_modules_order(order, dir, database);
    } else {
        load_directory_walk(dir, database);
    }
    std::ifstream builtin(dir / "modules.builtin");
    std::string line;
    while (std::getline(builtin, line)) {
        if (!line.empty()) {
            database.builtin.insert(module_name_of(line));
        }
    }
    return database;
}

class Resolver {
public:
    Resolver(DepDatabase& database, const std::filesystem::path& dir, const std::string& release)
        : m_database(database), m_dir(dir), m_release(release) {}

    // Depth-first: a module is appended after everything it needs.
    void add(const std::string& name, std::vector<std::string>& chain) {
        if (m_done.count(name) != 0) {
            return;
        }
        auto found = m_database.modules.find(name);
        if (found == m_database.modules.end()) {
            const std::string where = m_database.index.empty()
                                          ? "no " + name + ".ko file there, and not in modules.builtin"
                                          : "not in " + m_database.index + " or modules.builtin";
            throw MissingModuleError("kernel " + m_release + " has no module '" + name + "' in " +
                                     m_dir.string() + " (" + where + ")" +
                                     (chain.empty() ? "" : ", needed by '" + chain.back() + "'"));
        }
        if (std::find(chain.begin(), chain.end(), name) != chain.end()) {
            throw BootError("circular module dependency through '" + name + "' in " +
                            m_dir.string());
        }
        ModuleEntry& entry = found->second;
        complete(name, entry);
        chain.push_back(name);
        // modules.dep lists the deepest dependencies last; walking the list
        // backwards loads in the same order as modprobe.
        const auto& dependencies = *entry.dependencies;
        for (auto it = dependencies.rbegin(); it != dependencies.rend(); ++it) {
            add(*it, chain);
        }
        chain.pop_back();
        m_done.insert(name);
        m_order.push_back(entry.file);
    }

    std::vector<std::filesystem::path> take_order() { return std::move(m_order); }

private:
    // Finds a modules.order entry's file and reads what modules.dep would
    // have said about it.
    void complete(const std::string& name, ModuleEntry& entry) {
        if (!entry.file_known) {
            std::filesystem::path found;
            for (std::string_view suffix : k_module_suffixes) {
                std::filesystem::path candidate = entry.file;
                candidate += suffix;
                if (std::error_code error; std::filesystem::is_regular_file(candidate, error)) {
                    found = candidate;
                    break;
                }
            }
            if (found.empty()) {
                throw MissingModuleError("kernel " + m_release + " has no file for module '" +
                                         name + "': " + (m_dir / "modules.order").string() +
                                         " lists it, but " + entry.file.string() +
                                         ".ko does not exist (build the modules first)");
            }
            entry.file = found;
            entry.file_known = true;
        }
        if (!entry.dependencies) {
            entry.dependencies = module_dependencies(entry.file);
        }
    }

    DepDatabase& m_database;
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
