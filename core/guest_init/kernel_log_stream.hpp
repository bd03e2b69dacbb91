#pragma once

#include <string>

namespace vmtest::boot::init {

// Opens /dev/kmsg for reading, as early as possible: a reader starts at the
// oldest record the kernel still holds, so the sooner it is opened the less
// of the boot can be overwritten before it is read. -1 (with a warning)
// when the kernel has no /dev/kmsg.
int open_kernel_log();

// Forks the streamer: a child that copies every record of `kmsg_fd` (from
// open_kernel_log) to the virtio-serial port `port_name`, as /dev/kmsg
// gives them, until it gets SIGTERM; then it copies what is left and exits
// (shut_down() sends SIGTERM to every process and waits for them). A child,
// so that a host that does not read the port never stalls the init: it is
// the child's writes that block. Closes `kmsg_fd` in the init.
void start_kernel_log_stream(int kmsg_fd, const std::string& port_name);

}  // namespace vmtest::boot::init
