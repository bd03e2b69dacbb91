#include "boot/init_config.hpp"
#include "boot/init_config_parser.hpp"
#include "boot/percent_encoding.hpp"

#include <gtest/gtest.h>

namespace vmtest::boot {
namespace {

InitConfig full_config() {
    InitConfig config;
    config.log_level = InitLogLevel::debug;
    config.hostname = "vm test";
    config.modules = {"/lib/modules/virtio_pci.ko", "/lib/modules/9p.ko"};
    config.hints = {"no modules were found for kernel 6.1.0 in /lib/modules/6.1.0",
                    "100% sure\nsecond line"};
    config.root = InitRootMount{"9p", "vmtest_root", "trans=virtio,version=9p2000.L", true};
    config.read_only_root = true;
    config.mounts = {{"9p", "share 1", "/mnt/with space", "", false},
                     {"virtiofs", "tag", "/data", "-", true}};
    config.binds = {{"/mnt/vmtest", "/home/user/my project"}};
    config.ports = {"org.qemu.guest_agent.0"};
    config.agent_candidates = {"/usr/bin/qemu-ga", "/usr/sbin/qemu-ga"};
    config.agent_args = {"-m", "virtio-serial", "", "a%b\tc\x01"};
    config.control_port = "org.vmtest.control";
    config.kernel_log_port = "org.vmtest.kmsg";
    return config;
}

TEST(InitConfig, RenderParseRoundTrip) {
    InitConfig config = full_config();
    std::string text = render(config);
    auto parsed = parse_init_config(text);
    ASSERT_TRUE(parsed.ok) << parsed.error << "\n" << text;
    EXPECT_EQ(parsed.config, config);
}

TEST(InitConfig, RenderedLinesHaveNoRawSeparators) {
    std::string text = render(full_config());
    EXPECT_NE(text.find("hostname vm%20test\n"), std::string::npos) << text;
    EXPECT_NE(text.find("hint 100%25%20sure%0Asecond%20line\n"), std::string::npos) << text;
    EXPECT_NE(text.find("mount 9p share%201 /mnt/with%20space - rw\n"), std::string::npos) << text;
    EXPECT_NE(text.find("mount virtiofs tag /data %2D ro\n"), std::string::npos) << text;
    EXPECT_NE(text.find("root 9p vmtest_root trans=virtio,version=9p2000.L ro\n"), std::string::npos);
    EXPECT_NE(text.find("\nread-only-root\n"), std::string::npos) << text;
    EXPECT_NE(text.find("agent /usr/bin/qemu-ga /usr/sbin/qemu-ga\n"), std::string::npos);
    EXPECT_NE(text.find("agent-arg a%25b%09c%01\n"), std::string::npos) << text;
    EXPECT_NE(text.find("control org.vmtest.control\n"), std::string::npos);
    EXPECT_NE(text.find("kmsg org.vmtest.kmsg\n"), std::string::npos);
    EXPECT_EQ(text.find("  "), std::string::npos);
}

TEST(InitConfig, MinimalConfigRoundTrips) {
    InitConfig config;
    auto parsed = parse_init_config(render(config));
    ASSERT_TRUE(parsed.ok) << parsed.error;
    EXPECT_EQ(parsed.config, config);
}

TEST(InitConfig, CommentsAndBlankLinesAreIgnored) {
    auto parsed = parse_init_config("# hello\n\nhostname a\n#port x\n");
    ASSERT_TRUE(parsed.ok) << parsed.error;
    EXPECT_EQ(parsed.config.hostname, "a");
    EXPECT_TRUE(parsed.config.ports.empty());
}

TEST(InitConfig, UnknownDirectiveIsAnErrorNamingIt) {
    auto parsed = parse_init_config("log quiet\nmout 9p a /b - rw\n");
    EXPECT_FALSE(parsed.ok);
    EXPECT_EQ(parsed.error, "line 2: unknown directive 'mout'");
}

TEST(InitConfig, MalformedLinesAreErrors) {
    EXPECT_FALSE(parse_init_config("root 9p tag opts\n").ok);              // too few fields
    EXPECT_FALSE(parse_init_config("root 9p tag opts maybe\n").ok);        // not ro/rw
    EXPECT_FALSE(parse_init_config("hostname a  b\n").ok);                 // double space
    EXPECT_FALSE(parse_init_config("hostname a%2\n").ok);                  // short escape
    EXPECT_FALSE(parse_init_config("hostname a%zz\n").ok);                 // bad escape
    EXPECT_FALSE(parse_init_config("agent\n").ok);                         // no candidates
    EXPECT_FALSE(parse_init_config("log loud\n").ok);
    EXPECT_FALSE(parse_init_config("read-only-root yes\n").ok);           // takes no field
    EXPECT_FALSE(parse_init_config("read-only-root\nread-only-root\n").ok);  // twice
    EXPECT_FALSE(parse_init_config("control a\ncontrol b\n").ok);          // twice
    EXPECT_FALSE(parse_init_config("kmsg a\nkmsg b\n").ok);                // twice
    auto parsed = parse_init_config("hostname\n");
    EXPECT_FALSE(parsed.ok);
    EXPECT_EQ(parsed.error, "line 1: 'hostname' takes 1 field(s), got 0");
}

TEST(PercentEncoding, EncodesSeparatorsAndPercentOnly) {
    EXPECT_EQ(percent_encode("a b\nc%d"), "a%20b%0Ac%25d");
    EXPECT_EQ(percent_encode("ü/é,=:"), "ü/é,=:");
    EXPECT_EQ(percent_encode(""), "-");
    EXPECT_EQ(percent_encode("-"), "%2D");
    EXPECT_EQ(percent_encode("--"), "--");
    EXPECT_EQ(percent_decode("-"), "");
    EXPECT_EQ(percent_decode("%2D"), "-");
    EXPECT_EQ(percent_decode("%2d%41"), "-A");
    EXPECT_EQ(percent_decode("100%"), std::nullopt);
    std::string all_bytes;
    for (int c = 0; c < 256; ++c) {
        all_bytes += static_cast<char>(c);
    }
    EXPECT_EQ(percent_decode(percent_encode(all_bytes)), all_bytes);
}

}  // namespace
}  // namespace vmtest::boot
