// vmtest.toml files that do not parse: one test per kind of error, each
// asserting the exact one-line message, position included.
#include <gtest/gtest.h>

#include "config/config_file.hpp"

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
        EXPECT_STREQ(error.what(), "/: cannot read: Is a directory");
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
                                 "\"/mnt/vmtest/\" = { host_path = \"d\" }\n")),
              "vmtest.toml:6:1: target 'foo': field 'vm.mounts': guest path \"/mnt/vmtest/\" is "
              "reserved for the config file's directory");
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

TEST(ConfigErrors, BiosWithoutUefi) {
    EXPECT_EQ(error_of(with_head("image = \"i\"\ncommand = \"c\"\n[target.vm]\nbios = \"b\"\n")),
              "vmtest.toml:6:1: target 'foo': field 'vm.bios' requires 'uefi = true'");
}

TEST(ConfigErrors, UnsupportedArch) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\narch = \"aarch64\"\n")),
              "vmtest.toml:5:1: target 'foo': field 'arch' must be \"x86_64\" (the only "
              "architecture supported so far), got \"aarch64\"");
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

TEST(ConfigErrors, LongValuesAreShortened) {
    EXPECT_EQ(error_of(with_head("kernel = \"k\"\ncommand = \"c\"\nvm.memory = \"" +
                                 std::string(100, 'x') + "\"\n")),
              "vmtest.toml:5:4: target 'foo': field 'vm.memory' must be a QEMU memory size like "
              "\"512M\" or \"4G\", got \"" + std::string(60, 'x') + "\"...");
}

}  // namespace
}  // namespace vmtest::config
