// Building a cache entry where no reader looks, then publishing it with one
// rename, so the cache never holds a usable-looking half: a run that fails
// or is killed while downloading or extracting leaves nothing under the
// entry's name. The staging directory is a util::RuntimeDir under
// <cache>/staging: removed with everything in it when the staging ends,
// and, if the run was killed, by the next run (its lock is free then).
#pragma once

#include <filesystem>
#include <memory>

namespace vmtest::util {
class RuntimeDir;
}

namespace vmtest::kernel_source {

class CacheStaging {
  public:
    // Stages under `cache_root`/staging; the entry is built in path().
    explicit CacheStaging(const std::filesystem::path& cache_root);
    ~CacheStaging();
    CacheStaging(const CacheStaging&) = delete;
    CacheStaging& operator=(const CacheStaging&) = delete;

    // An empty directory, on the cache's file system, to build the entry in.
    const std::filesystem::path& path() const { return m_entry; }

    enum class IfPresent {
        keep,    // content-named entries: the one there is the same; ours is dropped
        replace, // a newer version of what a URL serves: swapped in atomically
    };
    // Renames the built entry to `destination` (its parent is created).
    // Throws KernelSourceError.
    void publish(const std::filesystem::path& destination, IfPresent if_present);

  private:
    std::unique_ptr<util::RuntimeDir> m_dir;
    std::filesystem::path m_entry;
};

} // namespace vmtest::kernel_source
