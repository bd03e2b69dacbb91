#include "private_mount_namespace.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <future>
#include <sched.h>
#include <stdexcept>
#include <sys/mount.h>
#include <utility>

namespace vmtest::virtiofs {

namespace {

std::runtime_error errno_error(const std::string& what) {
    return std::runtime_error(what + ": " + std::strerror(errno));
}

void enter_private_namespace() {
    // CLONE_NEWNS implies CLONE_FS: only this thread changes namespace.
    if (::unshare(CLONE_NEWNS) != 0) {
        throw errno_error("cannot create a private mount namespace for virtiofsd (needs "
                          "CAP_SYS_ADMIN, i.e. root)");
    }
    // Slave, not private: the daemons of writable exports still see what the
    // host mounts later, and nothing mounted here propagates to the host.
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0) {
        throw errno_error("cannot make the private mount namespace a slave of the host's");
    }
}

}  // namespace

PrivateMountNamespace::PrivateMountNamespace() {
    std::promise<void> entered;
    auto result = entered.get_future();
    m_thread = std::thread([this, &entered] {
        try {
            enter_private_namespace();
            entered.set_value();
        } catch (...) {
            entered.set_exception(std::current_exception());
            return;
        }
        serve();
    });
    try {
        result.get();
    } catch (...) {
        m_thread.join();
        throw;
    }
}

PrivateMountNamespace::~PrivateMountNamespace() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void PrivateMountNamespace::serve() {
    std::unique_lock lock(m_mutex);
    while (true) {
        m_wake.wait(lock, [this] { return m_stop || m_task; });
        if (!m_task) {
            return;  // stopping, nothing queued
        }
        auto task = std::move(m_task);
        m_task = nullptr;
        lock.unlock();
        std::exception_ptr error;
        try {
            task();
        } catch (...) {
            error = std::current_exception();
        }
        lock.lock();
        m_error = error;
        m_busy = false;
        m_wake.notify_all();
    }
}

void PrivateMountNamespace::run(const std::function<void()>& task) {
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [this] { return !m_busy; });
    m_task = task;
    m_busy = true;
    m_wake.notify_all();
    m_wake.wait(lock, [this] { return !m_busy; });
    if (auto error = std::exchange(m_error, nullptr)) {
        std::rethrow_exception(error);
    }
}

void PrivateMountNamespace::add_read_only_view(const std::filesystem::path& source,
                                               const std::filesystem::path& view) {
    run([&] {
        const std::string what = "cannot make a read-only view of " + source.string();
        if (::mount(source.c_str(), view.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
            throw errno_error(what + " (bind mount)");
        }
        // Private: a mount the host adds later under `source` would otherwise
        // propagate into the view, writable.
        if (::mount(nullptr, view.c_str(), nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
            throw errno_error(what + " (make private)");
        }
        mount_attr attributes{};
        attributes.attr_set = MOUNT_ATTR_RDONLY;
        if (::mount_setattr(AT_FDCWD, view.c_str(), AT_RECURSIVE, &attributes,
                            sizeof(attributes)) != 0) {
            throw errno_error(what + " (mount_setattr, Linux 5.12+)");
        }
    });
}

std::unique_ptr<util::ChildProcess>
PrivateMountNamespace::spawn(const util::SpawnOptions& options) {
    std::unique_ptr<util::ChildProcess> child;
    run([&] { child = std::make_unique<util::ChildProcess>(options); });
    return child;
}

}  // namespace vmtest::virtiofs
