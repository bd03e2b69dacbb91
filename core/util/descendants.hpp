#pragma once

#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

namespace vmtest::util {

// A process below vmtest. The start time (clock ticks after boot) tells a
// reused pid from the process that had it.
struct Descendant {
    pid_t pid = 0;
    pid_t parent = 0;
    unsigned long long start_time = 0;
    std::string name;  // the kernel's short command name (comm)
    bool zombie = false;

    bool same_process(const Descendant& other) const {
        return pid == other.pid && start_time == other.start_time;
    }
};

// Makes vmtest the reaper of orphans among its descendants
// (PR_SET_CHILD_SUBREAPER). A process that leaves its process group and
// parent (setsid and a double fork, as `qemu -daemonize` or any daemon does)
// is then re-parented to vmtest instead of init, so it stays below vmtest
// where stop_descendants() finds it. Call once, early in main.
void become_subreaper();

// Every process below vmtest, at any depth, as /proc shows them now (found
// by parent pid, so whatever process group or session they are in).
std::vector<Descendant> descendants();

// Stops every process below vmtest except those in `keep` and whatever runs
// below them: SIGTERM to each, SIGKILL to those still there after `grace`,
// until none is left. Reaps those that end as vmtest's own children (orphans
// re-parented to it), but never a child in `keep`, whose owner waits for it.
// Returns the processes it found running (not the zombies it only reaped).
std::vector<Descendant> stop_descendants(std::chrono::milliseconds grace,
                                         const std::vector<Descendant>& keep = {});

}  // namespace vmtest::util
