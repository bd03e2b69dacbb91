// The qemu-tcg backend: QEMU with software emulation. Slow, but works on any
// host, including ones without (working) KVM.
#include "qemu_backend.hpp"

namespace {

class QemuTcgBackend : public vmtest::qemu::QemuBackend {
  public:
    QemuTcgBackend(vmtest::sdk::Host host, const nlohmann::json& config)
        : QemuBackend(host, config, vmtest::qemu::Accelerator::tcg) {}
};

}  // namespace

VMTEST_BACKEND_PLUGIN(QemuTcgBackend, "qemu-tcg", "0.1.0",
                      "QEMU with software emulation (TCG): slow, works everywhere")
