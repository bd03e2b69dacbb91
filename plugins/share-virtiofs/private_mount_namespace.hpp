// A thread in a mount namespace of its own, which starts the virtiofsd
// processes so that they see what it mounts there and the host does not.
//
// Why: QEMU 7.2's virtiofsd has no read-only option, and a read-only export
// must be read-only on the host side, not only by the guest's mount flag
// (which the guest can change with `mount -o remount,rw`). So each read-only
// export is served from a read-only view: a recursive bind mount of the
// directory, every mount in it set read-only (mount_setattr, AT_RECURSIVE),
// made in this private namespace on an empty directory of the run's runtime
// directory. The daemon's writes there fail with EROFS whatever the guest
// asks. The host never sees these mounts, and they vanish with the last
// process in the namespace, so not even `kill -9 vmtest` leaves one behind.
//
// A thread, not the whole process: vmtest itself must keep the host's view
// (and the mount namespace of a thread is its own). Children are started
// from this thread because their parent-death signal follows the thread
// that forked them: it lives until this object is destroyed, which must
// happen after the children are gone.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "vmtest/plugin-support/child_process.hpp"

namespace vmtest::virtiofs {

class PrivateMountNamespace {
  public:
    // Starts the thread and moves it into a new mount namespace whose mounts
    // receive the host's later mounts but never send any back. Throws when
    // that is not allowed here (it needs CAP_SYS_ADMIN).
    PrivateMountNamespace();
    ~PrivateMountNamespace();
    PrivateMountNamespace(const PrivateMountNamespace&) = delete;
    PrivateMountNamespace& operator=(const PrivateMountNamespace&) = delete;

    // Mounts the tree at `source` read-only on the empty directory `view`,
    // in this namespace only.
    void add_read_only_view(const std::filesystem::path& source, const std::filesystem::path& view);

    // Starts a child from the namespace's thread.
    std::unique_ptr<util::ChildProcess> spawn(const util::SpawnOptions& options);

  private:
    // Runs `task` on the thread and waits for it; rethrows what it threw.
    void run(const std::function<void()>& task);
    void serve();

    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::function<void()> m_task;
    std::exception_ptr m_error;
    bool m_busy = false;
    bool m_stop = false;
};

}  // namespace vmtest::virtiofs
