// vmtest.toml files that do not parse: one test per kind of error, each
// asserting the exact one-line message, position included.
#include <gtest/gtest.h>

#include "config/config_file.hpp"
#include "config/toml_table_reader.hpp"

namespace vmtest::config {
namespace {

std::string error_of(std::string_view text) {
    try {
        parse_config(text, "vmtest.toml");
    } catch (const ConfigError& error) {
        return error.what();
    }
    return "<no error>";
}

// A valid target to which one test adds or changes one thing.
constexpr std::string_view k_target_head = "[[target]]\nname = \"foo\"\n";

std::string with_head(std::string_view rest) { return std::string(k_target_head) + std::string(rest); }

TEST(ConfigErrors, CarriesItsParts) {
    try {
        parse_config(with_head("kernel = \"k\"\ncommand = \"c\"\n[target.vm]\n  num_cpus = \"two\"\n"),
                     "dir/vmtest.toml");
        FAIL() << "no error";
    } catch (const ConfigError& error) {
        EXPECT_STREQ(error.what(),
                     "dir/vmtest.toml:6:3: target 'foo': field 'vm.num_cpus' must be an integer "
                     "from 1 to 255, got \"two\"");
        EXPECT_EQ(error.file(), "dir/vmtest.toml");
        EXPECT_EQ(error.position(), (SourcePosition{6, 3}));
        EXPECT_EQ(error.target_name(), "foo");
        EXPECT_EQ(error.field(), "vm.num_cpus");
        EXPECT_EQ(error.message(),
                  "field 'vm.num_cpus' must be an integer from 1 to 255, got \"two\"");
    }
}

TEST(ConfigErrors, FileNotFound) {
    try {
        load_config_file("/nonexistent-dir/vmtest.toml");
        FAIL() << "no error";
    } catch (const ConfigError& error) {
        EXPECT_STREQ(error.what(), "/nonexistent-dir/vmtest.toml: cannot read: No such file or directory");
        EXPECT_FALSE(error.position());
    }
}

TEST(ConfigErrors, FileIsADirectory) {
    try {
        load_config_file("/");
        FAIL() << "no error";
    } catch (const ConfigError& error) {
        EXPECT_STREQ(error.what(), "/: is a directory, not a regular file");
    }
}

TEST(ConfigErrors, TomlSyntaxError) {
    EXPECT_EQ(error_of("[[target]]\nname = \"foo\"\ncommand = = 2\n"),
              "vmtest.toml:3:11: TOML syntax error: error while parsing value: could not "
              "determine value type");
}

TEST(ConfigErrors, TomlDuplicateKey) {
    EXPECT_EQ(error_of("[[target]]\nname = \"foo\"\nname = \"bar\"\n"),
              "vmtest.toml:3:8: TOML syntax error: error while parsing key-value pair: cannot "
              "redefine existing string 'name'");
}

TEST(ConfigErrors, UnknownTargetFieldSuggestsSpelling) {
    EXPECT_EQ(error_of(with_head("kernal = \"bzImage\"\ncommand = \"c\"\n")),
              "vmtest.toml:3:1: target 'foo': unknown field 'kernal' (did you mean 'kernel'?)");
}

TEST(ConfigErrors, UnknownFieldWithoutCloseMatch) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\nwhatever = 1\n")),
              "vmtest.toml:5:1: target 'foo': unknown field 'whatever'");
}

TEST(ConfigErrors, FirstUnknownFieldInFileOrderIsReported) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\nzzz = 1\naaa = 2\ncommand = \"c\"\n")),
              "vmtest.toml:4:1: target 'foo': unknown field 'zzz'");
}

TEST(ConfigErrors, UnknownVmField) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\n[target.vm]\ncpus = 4\n")),
              "vmtest.toml:6:1: target 'foo': unknown field 'vm.cpus'");
}

TEST(ConfigErrors, UnknownMountField) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\n"
                                 "[target.vm.mounts]\n\"/mnt/x\" = { hostpath = \"x\" }\n")),
              "vmtest.toml:6:14: target 'foo': unknown field 'vm.mounts.\"/mnt/x\".hostpath' "
              "(did you mean 'vm.mounts.\"/mnt/x\".host_path'?)");
}

TEST(ConfigErrors, UnknownDocumentField) {
    EXPECT_EQ(error_of("targets = 1\n"),
              "vmtest.toml:1:1: unknown field 'targets' (did you mean 'target'?)");
}

TEST(ConfigErrors, WrongTypeString) {
    EXPECT_EQ(error_of(with_head("kernel = 42\ncommand = \"c\"\n")),
              "vmtest.toml:3:1: target 'foo': field 'kernel' must be a string, got 42");
}

TEST(ConfigErrors, WrongTypeBool) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\nroot_writable = \"yes\"\n")),
              "vmtest.toml:5:1: target 'foo': field 'root_writable' must be a boolean (true or "
              "false), got \"yes\"");
}

TEST(ConfigErrors, WrongTypeTable) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\nvm = [1, 2]\n")),
              "vmtest.toml:5:1: target 'foo': field 'vm' must be a table, got an array");
}

TEST(ConfigErrors, NumCpusOutOfRange) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\nvm.num_cpus = 256\n")),
              "vmtest.toml:5:4: target 'foo': field 'vm.num_cpus' must be an integer from 1 to "
              "255, got 256");
}

TEST(ConfigErrors, NumCpusFloat) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\n[target.vm]\nnum_cpus = 2.0\n")),
              "vmtest.toml:6:1: target 'foo': field 'vm.num_cpus' must be an integer from 1 to "
              "255, got 2.0");
}

TEST(ConfigErrors, BadMemorySize) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\n[target.vm]\nmemory = \"4GB\"\n")),
              "vmtest.toml:6:1: target 'foo': field 'vm.memory' must be a QEMU memory size like "
              "\"512M\" or \"4G\", got \"4GB\"");
}

TEST(ConfigErrors, ExtraArgsElementNotString) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\n[target.vm]\n"
                                 "extra_args = [\"-s\", 5]\n")),
              "vmtest.toml:6:21: target 'foo': field 'vm.extra_args[1]' must be a string, got 5");
}

TEST(ConfigErrors, RelativeMountGuestPath) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\n[target.vm.mounts]\n"
                                 "data = { host_path = \"d\" }\n")),
              "vmtest.toml:6:1: target 'foo': field 'vm.mounts': guest path \"data\" must be "
              "absolute");
}

TEST(ConfigErrors, ReservedMountGuestPath) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\n[target.vm.mounts]\n"
                                 "\"/mnt/vmtest\" = { host_path = \"d\" }\n")),
              "vmtest.toml:6:1: target 'foo': field 'vm.mounts': guest path \"/mnt/vmtest\" is "
              "reserved for the config file's directory");
}

// One per kind of refused guest path, each at its line; guest_mount_path_test
// covers every path of each kind.
TEST(ConfigErrors, MountGuestPathsTheInitOwns) {
    const auto mount_error = [](std::string_view path) {
        return error_of(with_head("kernel = \"k\"\ncommand = \"c\"\n[target.vm.mounts]\n"
                                  "\"/mnt/data\" = { host_path = \"d\" }\n" +
                                  quote(path) + " = { host_path = \"d\" }\n"));
    };
    EXPECT_EQ(mount_error("/proc"),
              "vmtest.toml:7:1: target 'foo': field 'vm.mounts': guest path \"/proc\" is inside "
              "/proc, which the guest's init mounts from the kernel; mount elsewhere, e.g. "
              "/mnt/data");
    EXPECT_EQ(mount_error("/sys/fs/bpf"),
              "vmtest.toml:7:1: target 'foo': field 'vm.mounts': guest path \"/sys/fs/bpf\" is "
              "inside /sys, which the guest's init mounts from the kernel; mount elsewhere, e.g. "
              "/mnt/data");
    EXPECT_EQ(mount_error("/tmp"),
              "vmtest.toml:7:1: target 'foo': field 'vm.mounts': guest path \"/tmp\" is where "
              "the guest's init mounts a tmpfs; mount beneath it instead, e.g. /tmp/data");
    EXPECT_EQ(mount_error("/"),
              "vmtest.toml:7:1: target 'foo': field 'vm.mounts': guest path \"/\" cannot "
              "replace the guest's root");
    EXPECT_EQ(mount_error("/srv/../proc"),
              "vmtest.toml:7:1: target 'foo': field 'vm.mounts': guest path \"/srv/../proc\" "
              "must be normalised: no \".\" or \"..\" parts, no \"//\", no trailing \"/\"");
    EXPECT_EQ(mount_error("/srv\n"),
              "vmtest.toml:7:1: target 'foo': field 'vm.mounts': guest path \"/srv\\n\" must "
              "not contain control characters");
}

TEST(ConfigErrors, MemoryBelowTheMinimum) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\n[target.vm]\nmemory = \"16M\"\n")),
              "vmtest.toml:6:1: target 'foo': field 'vm.memory' must be at least 128M (smaller "
              "guests do not boot), got \"16M\"");
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\nvm.memory = \"0.1G\"\n")),
              "vmtest.toml:5:4: target 'foo': field 'vm.memory' must be at least 128M (smaller "
              "guests do not boot), got \"0.1G\"");
}

TEST(ConfigErrors, MemoryFractionWithoutUnit) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\nvm.memory = \"0.5\"\n")),
              "vmtest.toml:5:4: target 'foo': field 'vm.memory' must be a QEMU memory size like "
              "\"512M\" or \"4G\", got \"0.5\"");
}

TEST(ConfigErrors, NumCpusZeroNegativeAndAbsurd) {
    for (const char* cpus : {"0", "-1", "100000", "9223372036854775807"}) {
        EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\nvm.num_cpus = " +
                                     std::string(cpus) + "\n")),
                  "vmtest.toml:5:4: target 'foo': field 'vm.num_cpus' must be an integer from 1 "
                  "to 255, got " + std::string(cpus));
    }
}

TEST(ConfigErrors, KernelArgsTooLongForTheKernel) {
    // vmtest's own "console=ttyS0 panic=-1 rdinit=/init no_timer_check quiet earlyprintk=serial,ttyS0 " takes 82 of 2047.
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\nkernel_args = \"" +
                                 std::string(1965, 'x') + "\"\n")),
              "<no error>");
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\nkernel_args = \"" +
                                 std::string(1966, 'x') + "\"\n")),
              "vmtest.toml:5:1: target 'foo': field 'kernel_args' makes the kernel command line "
              "2048 bytes long, more than the 2047 the kernel accepts (vmtest's own parameters "
              "take 82, leaving 1965 for kernel_args)");
}

TEST(ConfigErrors, NameWithControlCharacters) {
    for (const char* escaped : {"\\n", "\\u0000", "\\u001B[2J", "\\t", "\\u007F", "\\r", "\\u0085"}) {
        const std::string error =
            error_of("[[target]]\nname = \"a" + std::string(escaped) + "b\"\nkernel = \"k\"\ncommand = \"c\"\n");
        EXPECT_EQ(error.rfind("vmtest.toml:2:1: target #1: field 'name' must not contain control "
                              "characters, got \"a",
                              0),
                  0u)
            << error;
        EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    }
}

TEST(ConfigErrors, RefusedQemuOptionInExtraArgs) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\n[target.vm]\n"
                                 "extra_args = [\"-device\", \"virtio-rng-pci\",\n"
                                 "              \"--daemonize\"]\n")),
              "vmtest.toml:7:15: target 'foo': field 'vm.extra_args[2]': QEMU option -daemonize "
              "is not allowed: it detaches QEMU from vmtest, which could then no longer watch or "
              "stop it");
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\n[target.vm]\n"
                                 "extra_args = [\"-serial=stdio\"]\n")),
              "vmtest.toml:6:15: target 'foo': field 'vm.extra_args[0]': QEMU option -serial is "
              "not allowed: the serial port is the guest's boot log, which vmtest reads");
}

TEST(ConfigErrors, RefusedQemuOptionInKvmCpuArgs) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\n"
                                 "kvm_cpu_args = \"-cpu host -S\"\n")),
              "vmtest.toml:5:1: target 'foo': field 'kvm_cpu_args': QEMU option -S is not "
              "allowed: it starts the guest's CPUs stopped, so the guest never boots");
}

TEST(ConfigErrors, MountMissingHostPath) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\n"
                                 "[target.vm.mounts.\"/mnt/x\"]\nwritable = true\n")),
              "vmtest.toml:5:1: target 'foo': missing required field "
              "'vm.mounts.\"/mnt/x\".host_path'");
}

TEST(ConfigErrors, MountNotATable) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\n[target.vm.mounts]\n"
                                 "\"/mnt/x\" = \"/srv/x\"\n")),
              "vmtest.toml:6:1: target 'foo': field 'vm.mounts.\"/mnt/x\"' must be a table like "
              "{ host_path = \"...\" }, got \"/srv/x\"");
}

TEST(ConfigErrors, MissingCommandPointsAtTargetTable) {
    EXPECT_EQ(error_of("# comment\n\n[[target]]\nname = \"foo\"\nkernel = \"k\"\n"),
              "vmtest.toml:3:1: target 'foo': missing required field 'command'");
}

TEST(ConfigErrors, MissingNameUsesTargetNumber) {
    EXPECT_EQ(error_of("[[target]]\nname = \"a\"\nkernel = \"k\"\ncommand = \"c\"\n\n"
                       "[[target]]\nkernel = \"k\"\ncommand = \"c\"\n"),
              "vmtest.toml:6:1: target #2: missing required field 'name'");
}

TEST(ConfigErrors, EmptyName) {
    EXPECT_EQ(error_of("[[target]]\nname = \"\"\nkernel = \"k\"\ncommand = \"c\"\n"),
              "vmtest.toml:2:1: target #1: field 'name' must not be empty");
}

TEST(ConfigErrors, EmptyCommand) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = ''\n")),
              "vmtest.toml:4:1: target 'foo': field 'command' must not be empty");
}

TEST(ConfigErrors, EmptyKernelPath) {
    EXPECT_EQ(error_of(with_head("kernel = \"\"\ncommand = \"c\"\n")),
              "vmtest.toml:3:1: target 'foo': field 'kernel' must not be empty");
}

TEST(ConfigErrors, DuplicateTargetName) {
    EXPECT_EQ(error_of("[[target]]\nname = \"foo\"\nkernel = \"k\"\ncommand = \"c\"\n\n"
                       "[[target]]\ncommand = \"c\"\nname = \"foo\"\nkernel = \"k\"\n"),
              "vmtest.toml:8:1: target 'foo': duplicate target name (first defined at line 2)");
}

TEST(ConfigErrors, BothKernelAndImagePointsAtTheSecond) {
    EXPECT_EQ(error_of(with_head("image = \"i\"\ncommand = \"c\"\nkernel = \"k\"\n")),
              "vmtest.toml:5:1: target 'foo': fields 'kernel' and 'image' are mutually exclusive");
}

TEST(ConfigErrors, NeitherKernelNorImage) {
    EXPECT_EQ(error_of(with_head("command = \"c\"\n")),
              "vmtest.toml:1:1: target 'foo': one of fields 'kernel' or 'image' is required");
}

TEST(ConfigErrors, KernelArgsWithImage) {
    EXPECT_EQ(error_of(with_head("image = \"i\"\nkernel_args = \"quiet\"\ncommand = \"c\"\n")),
              "vmtest.toml:4:1: target 'foo': field 'kernel_args' cannot be used with 'image'");
}

TEST(ConfigErrors, UefiWithKernel) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\nuefi = true\ncommand = \"c\"\n")),
              "vmtest.toml:4:1: target 'foo': field 'uefi' cannot be used with 'kernel'");
}

TEST(ConfigErrors, ImageWritableWithKernel) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\nimage_writable = true\ncommand = \"c\"\n")),
              "vmtest.toml:4:1: target 'foo': field 'image_writable' cannot be used with 'kernel'");
}

TEST(ConfigErrors, ImageWritableMustBeABool) {
    EXPECT_EQ(error_of(with_head("image = \"i\"\nimage_writable = 1\ncommand = \"c\"\n")),
              "vmtest.toml:4:1: target 'foo': field 'image_writable' must be a boolean (true or "
              "false), got 1");
}

TEST(ConfigErrors, BiosWithoutUefi) {
    EXPECT_EQ(error_of(with_head("image = \"i\"\ncommand = \"c\"\n[target.vm]\nbios = \"b\"\n")),
              "vmtest.toml:6:1: target 'foo': field 'vm.bios' requires 'uefi = true'");
}

TEST(ConfigErrors, UnsupportedArch) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\narch = \"arm64\"\n")),
              "vmtest.toml:5:1: target 'foo': field 'arch' must be \"x86_64\" or \"aarch64\", "
              "got \"arm64\"");
}

TEST(ConfigErrors, NonPositiveTimeout) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\ntimeout = 0\n")),
              "vmtest.toml:5:1: target 'foo': field 'timeout' must be a positive integer "
              "(seconds), got 0");
}

TEST(ConfigErrors, BadBootTimeout) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\nboot_timeout = \"2m\"\n")),
              "vmtest.toml:5:1: target 'foo': field 'boot_timeout' must be a positive integer "
              "(seconds), got \"2m\"");
}

TEST(ConfigErrors, EmptyPluginName) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\nbackend = \"\"\n")),
              "vmtest.toml:5:1: target 'foo': field 'backend' must not be empty");
}

TEST(ConfigErrors, NoTargetsAtAll) {
    EXPECT_EQ(error_of("# nothing here\n"),
              "vmtest.toml: no targets defined; add at least one [[target]] table");
}

TEST(ConfigErrors, EmptyTargetArray) {
    EXPECT_EQ(error_of("\ntarget = []\n"),
              "vmtest.toml:2:1: no targets defined; add at least one [[target]] table");
}

TEST(ConfigErrors, TargetIsATableNotAnArray) {
    EXPECT_EQ(error_of("[target]\nname = \"foo\"\n"),
              "vmtest.toml:1:2: field 'target' must be an array of tables ([[target]]), got a table");
}

TEST(ConfigErrors, BadReporter) {
    EXPECT_EQ(error_of("reporters = [\"tap\", \"=out.xml\"]\n" + with_head("kernel = \"k\"\ncommand = \"c\"\n")),
              "vmtest.toml:1:21: field 'reporters[1]' must look like NAME or NAME=PATH, got "
              "\"=out.xml\"");
}

TEST(ConfigErrors, ReportersNotAnArray) {
    EXPECT_EQ(error_of("reporters = \"tap\"\n" + with_head("kernel = \"k\"\ncommand = \"c\"\n")),
              "vmtest.toml:1:1: field 'reporters' must be an array of strings, got \"tap\"");
}

TEST(ConfigErrors, BadJobs) {
    const std::string target = with_head("kernel = \"k\"\ncommand = \"c\"\n");
    EXPECT_EQ(error_of("jobs = 0\n" + target),
              "vmtest.toml:1:1: field 'jobs' must be an integer from 1 to 256, got 0");
    EXPECT_EQ(error_of("\njobs = -2\n" + target),
              "vmtest.toml:2:1: field 'jobs' must be an integer from 1 to 256, got -2");
    EXPECT_EQ(error_of("jobs = 100000\n" + target),
              "vmtest.toml:1:1: field 'jobs' must be an integer from 1 to 256, got 100000");
    EXPECT_EQ(error_of("jobs = \"2\"\n" + target),
              "vmtest.toml:1:1: field 'jobs' must be an integer from 1 to 256, got \"2\"");
    EXPECT_EQ(error_of("jobs = 2.0\n" + target),
              "vmtest.toml:1:1: field 'jobs' must be an integer from 1 to 256, got 2.0");
}

TEST(ConfigErrors, LongValuesAreShortened) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\nvm.memory = \"" +
                                 std::string(100, 'x') + "\"\n")),
              "vmtest.toml:5:4: target 'foo': field 'vm.memory' must be a QEMU memory size like "
              "\"512M\" or \"4G\", got \"" + std::string(60, 'x') + "\"...");
}

TEST(ConfigErrors, KernelSplatsTakesFailWarnOrIgnore) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\nkernel_splats = \"loud\"\n")),
              "vmtest.toml:5:1: target 'foo': field 'kernel_splats' must be \"fail\", \"warn\" "
              "or \"ignore\", got \"loud\"");
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\nkernel_splats = true\n")),
              "vmtest.toml:5:1: target 'foo': field 'kernel_splats' must be a string, got true");
}

}  // namespace
}  // namespace vmtest::config
