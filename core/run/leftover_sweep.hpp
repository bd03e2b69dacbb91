#pragma once

#include <vector>

#include "util/descendants.hpp"

namespace vmtest::run {

// Stops what a run leaves behind. QEMU and the share helpers run in process
// groups of their own that vmtest tears down, but a process can leave its
// group (setsid and a double fork: `qemu -daemonize`, a daemon started by a
// qemu_command wrapper or by a helper). As vmtest is a child subreaper
// (util::become_subreaper), such a process stays below vmtest, and the sweep
// finds it there whatever its group, session or parent.
class LeftoverSweep {
  public:
    // What already runs below vmtest is not this sweep's to stop.
    LeftoverSweep();
    ~LeftoverSweep();  // stop(), if not done yet
    LeftoverSweep(const LeftoverSweep&) = delete;
    LeftoverSweep& operator=(const LeftoverSweep&) = delete;

    // Stops (SIGTERM, then SIGKILL) and reaps every process started below
    // vmtest since construction, and warns naming them: after a normal
    // teardown nothing should be left.
    void stop();

  private:
    std::vector<util::Descendant> m_before;
    bool m_stopped = false;
};

}  // namespace vmtest::run
