// The qemu-kvm backend: QEMU with hardware virtualization. Its probe boots
// the kernel briefly to prove KVM really runs guests on this host.
#include "qemu_backend.hpp"

namespace {

class QemuKvmBackend : public vmtest::qemu::QemuBackend {
  public:
    QemuKvmBackend(vmtest::sdk::Host host, const nlohmann::json& config)
        : QemuBackend(host, config, vmtest::qemu::Accelerator::kvm) {}
};

}  // namespace

VMTEST_BACKEND_PLUGIN(QemuKvmBackend, "qemu-kvm", "0.1.0",
                      "QEMU with KVM hardware virtualization (-cpu host unless kvm_cpu_args)")
