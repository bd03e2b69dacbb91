#include "util/descendants.hpp"

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace vmtest::util {

namespace {

// Once SIGKILL was sent, how long to wait for the kernel to finish them off
// (a process in uninterruptible sleep dies when its I/O returns).
constexpr auto k_kill_wait = std::chrono::seconds(5);
constexpr auto k_poll_interval = std::chrono::milliseconds(10);

// One process's /proc/<pid>/stat: "pid (comm) state ppid ... starttime ...".
// comm may hold spaces and parentheses, so the fields are counted from its
// last ')'.
std::optional<Descendant> read_process(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!std::getline(in, stat)) {
        return std::nullopt;  // gone meanwhile
    }
    const auto open = stat.find('(');
    const auto close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) {
        return std::nullopt;
    }
    Descendant process;
    process.pid = pid;
    process.name = stat.substr(open + 1, close - open - 1);
    std::istringstream fields(stat.substr(close + 1));
    std::string state;
    fields >> state >> process.parent;
    // Fields 5 to 21, then starttime (field 22).
    std::string skipped;
    for (int field = 5; field <= 21; ++field) {
        fields >> skipped;
    }
    fields >> process.start_time;
    if (!fields) {
        return std::nullopt;
    }
    process.zombie = state == "Z" || state == "X";
    return process;
}

std::vector<Descendant> all_processes() {
    std::vector<Descendant> processes;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
        const auto name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        if (auto process = read_process(std::stoi(name))) {
            processes.push_back(std::move(*process));
        }
    }
    return processes;
}

bool is_kept(const Descendant& process, const std::vector<Descendant>& keep) {
    return std::any_of(keep.begin(), keep.end(),
                       [&](const Descendant& kept) { return kept.same_process(process); });
}

// Below vmtest, breadth first, leaving out kept processes and their subtrees.
std::vector<Descendant> descendants_except(const std::vector<Descendant>& keep) {
    std::multimap<pid_t, Descendant> children;
    for (auto& process : all_processes()) {
        children.emplace(process.parent, std::move(process));
    }
    std::vector<Descendant> found;
    std::vector<pid_t> parents{getpid()};
    while (!parents.empty()) {
        const pid_t parent = parents.back();
        parents.pop_back();
        const auto [first, last] = children.equal_range(parent);
        for (auto it = first; it != last; ++it) {
            if (is_kept(it->second, keep)) {
                continue;
            }
            found.push_back(it->second);
            parents.push_back(it->second.pid);
        }
    }
    return found;
}

}  // namespace

void become_subreaper() {
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

std::vector<Descendant> descendants() {
    return descendants_except({});
}

std::vector<Descendant> stop_descendants(std::chrono::milliseconds grace,
                                         const std::vector<Descendant>& keep) {
    using Clock = std::chrono::steady_clock;
    const auto kill_at = Clock::now() + grace;
    const auto give_up = kill_at + k_kill_wait;
    std::vector<Descendant> stopped;
    while (true) {
        bool waiting = false;
        for (const auto& process : descendants_except(keep)) {
            if (process.zombie) {
                // Ours to reap; a zombie below another process is reaped by
                // it, or becomes ours once that parent is gone.
                if (process.parent == getpid()) {
                    waitpid(process.pid, nullptr, WNOHANG);
                }
                waiting = true;
                continue;
            }
            waiting = true;
            const bool seen = std::any_of(stopped.begin(), stopped.end(), [&](const auto& other) {
                return other.same_process(process);
            });
            if (!seen) {
                stopped.push_back(process);
                kill(process.pid, SIGTERM);
            }
            if (Clock::now() >= kill_at) {
                kill(process.pid, SIGKILL);
            }
        }
        if (!waiting || Clock::now() >= give_up) {
            break;
        }
        std::this_thread::sleep_for(k_poll_interval);
    }
    return stopped;
}

}  // namespace vmtest::util
