#pragma once

#include <stdexcept>
#include <string>

namespace vmtest::boot {

// Everything in vmtest::boot reports failures with this type (or a subclass)
// and a one-line message that names the file or path involved.
class BootError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A kernel module that the run needs is not available for the kernel.
class MissingModuleError : public BootError {
public:
    using BootError::BootError;
};

}  // namespace vmtest::boot
