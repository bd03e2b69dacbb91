// Bad command-line usage: what() is one line naming the offending flag, e.g.
// "--timeout: expected a positive integer (seconds), got 'soon'".
#pragma once

#include <stdexcept>

namespace vmtest::config {

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace vmtest::config
