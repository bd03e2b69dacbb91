#pragma once

#include <stdexcept>

namespace vmtest::kernel_source {

// Everything in vmtest::kernel_source fails with this type and a one-line
// message naming the URL or file involved and what went wrong. A kernel
// that cannot be fetched or unpacked means no VM can run: exit 69.
class KernelSourceError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

} // namespace vmtest::kernel_source
