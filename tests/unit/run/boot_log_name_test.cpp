// Every target gets its own boot-log file, readable where its name allows.
#include <gtest/gtest.h>

#include <set>

#include "run/boot_log_name.hpp"

namespace vmtest::run {
namespace {

TEST(BootLogName, SafeNamesAreKeptAsTheyAre) {
    EXPECT_EQ(boot_log_file_name("kernel-6.1_debug"), "kernel-6.1_debug.log");
    EXPECT_EQ(boot_log_file_name("a"), "a.log");
}

TEST(BootLogName, ChangedNamesGetAHashOfTheRealName) {
    const std::string name = boot_log_file_name("bpf on 6.1");
    EXPECT_EQ(name.rfind("bpf_on_6.1~", 0), 0u) << name;
    EXPECT_EQ(name.size(), std::string("bpf_on_6.1~").size() + 16 + 4) << name;
    EXPECT_TRUE(name.ends_with(".log"));
    // One '_' per character, not per UTF-8 byte.
    EXPECT_EQ(boot_log_file_name("测试").rfind("__~", 0), 0u);
}

TEST(BootLogName, DistinctNamesNeverShareAFile) {
    const std::vector<std::string> names = {"测试",
                                            "试验",
                                            "a b",
                                            "a_b",
                                            "a/b",
                                            "a\\\\b",
                                            "a:b",
                                            "",
                                            "_",
                                            "..",
                                            ".",
                                            "a b~x",
                                            std::string(150, 'x'),
                                            std::string(150, 'x') + "y",
                                            std::string(100, 'x'),
                                            "a_b~" + boot_log_file_name("a b").substr(4, 16)};
    std::set<std::string> files;
    for (const auto& name : names) {
        const std::string file = boot_log_file_name(name);
        EXPECT_TRUE(files.insert(file).second) << "'" << name << "' shares " << file;
    }
}

TEST(BootLogName, AlwaysASafeShortFileName) {
    for (const std::string& name :
         {std::string(""), std::string(".."), std::string("../../etc/passwd"),
          std::string(1000, '/'), std::string("a\0b", 3), std::string("\n\x1b[2J")}) {
        const std::string file = boot_log_file_name(name);
        EXPECT_EQ(file.find('/'), std::string::npos) << file;
        EXPECT_EQ(file.find('\0'), std::string::npos);
        EXPECT_LE(file.size(), 255u);
        EXPECT_NE(file, ".log");
        for (const char c : file) {
            EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
                        c == '.' || c == '~')
                << file;
        }
    }
}

}  // namespace
}  // namespace vmtest::run
