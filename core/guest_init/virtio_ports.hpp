#pragma once

#include <string>
#include <vector>

namespace vmtest::boot::init {

// There is no udev in the guest, so this does its one job for us: link
// /dev/virtio-ports/<name> to ../vportNpM for every named virtio-serial
// port. virtio_console learns port names asynchronously from the host, so
// this polls (up to a few seconds) until every port in `wanted` is there.
void link_virtio_ports(const std::vector<std::string>& wanted);

}  // namespace vmtest::boot::init
