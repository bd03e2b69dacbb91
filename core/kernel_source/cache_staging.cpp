#include "kernel_source/cache_staging.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>

#include "kernel_source/kernel_source_error.hpp"
#include "util/runtime_dir.hpp"

namespace vmtest::kernel_source {
namespace {

namespace fs = std::filesystem;

void create_directory_tree(const fs::path& dir) {
    std::error_code error;
    fs::create_directories(dir, error);
    if (error) {
        throw KernelSourceError("cannot create " + dir.string() + ": " + error.message());
    }
}

} // namespace

CacheStaging::CacheStaging(const fs::path& cache_root) {
    const fs::path base = cache_root / "staging";
    create_directory_tree(base);
    try {
        m_dir = std::make_unique<util::RuntimeDir>(base);
    } catch (const std::exception& e) {
        throw KernelSourceError(e.what());
    }
    m_entry = m_dir->path() / "entry";
    create_directory_tree(m_entry);
}

CacheStaging::~CacheStaging() = default;

void CacheStaging::publish(const fs::path& destination, IfPresent if_present) {
    create_directory_tree(destination.parent_path());
    if (::rename(m_entry.c_str(), destination.c_str()) == 0) {
        return;
    }
    if (errno != ENOTEMPTY && errno != EEXIST) {
        throw KernelSourceError("cannot move " + m_entry.string() + " to " + destination.string() +
                                ": " + std::strerror(errno));
    }
    if (if_present == IfPresent::keep) {
        return; // another run published the same content first
    }
    // Readers see the old entry or the new one, never neither; the old one
    // ends up in the staging directory and goes away with it.
    if (::renameat2(AT_FDCWD, m_entry.c_str(), AT_FDCWD, destination.c_str(), RENAME_EXCHANGE) !=
        0) {
        throw KernelSourceError("cannot replace " + destination.string() + ": " +
                                std::strerror(errno));
    }
}

} // namespace vmtest::kernel_source
