// End-to-end: Debian's 6.12 kernel package (newer than the host's kernel,
// whose modules the host does not have) booted as a .deb, as the installed
// tree the package unpacks to, and from a URL served on loopback; and the
// ways a download fails. VMTEST_E2E_DEB_KERNEL names the .deb (.ci/run sets
// it from .ci/deb-kernel); without it these tests skip and say so.
#include <fstream>

#include <gmock/gmock.h>

#include "../unit/kernel_source/loopback_http_server.hpp"
#include "../unit/kernel_source/test_archives.hpp"
#include "e2e_fixture.hpp"

namespace vmtest::e2e {
namespace {

namespace fs = std::filesystem;
using test::LoopbackHttpServer;
using ::testing::HasSubstr;
using ::testing::Not;

// The guest proves where its modules came from: 9p (its root) is loaded
// and the host's root it boots on has no modules for its release.
constexpr const char* k_probe =
    "uname -r; grep -q '^9p ' /proc/modules && echo 9p-module-loaded; "
    "test -e /lib/modules/$(uname -r) || echo no-host-modules-for-this-release";

class DebKernelE2E : public E2E {
  protected:
    void SetUp() override {
        E2E::SetUp();
        const char* deb = std::getenv("VMTEST_E2E_DEB_KERNEL");
        if (deb == nullptr || *deb == '\0') {
            GTEST_SKIP() << "VMTEST_E2E_DEB_KERNEL is not set (.ci/run sets it to what "
                            ".ci/deb-kernel prints: a linux-image-6.12 .deb)";
        }
        m_deb = deb;
        ASSERT_TRUE(fs::is_regular_file(m_deb)) << m_deb;
        m_tree = unpacked_tree(m_deb);
        const auto images = boot_images(m_tree);
        ASSERT_EQ(images.size(), 1U) << m_tree;
        m_deb_release = release_of(images.front());
        ASSERT_FALSE(m_deb_release.empty());
        ASSERT_NE(m_deb_release, m_release) << "the package must not be the host's kernel";
        ASSERT_FALSE(fs::exists("/lib/modules/" + m_deb_release))
            << "the host has modules for " << m_deb_release
            << ": the test could not tell them apart";
    }

    // The package's files, unpacked by the test itself (libarchive) once per
    // build tree: what `dpkg -x` would leave.
    static fs::path unpacked_tree(const fs::path& deb) {
        const fs::path tree = fs::path(VMTEST_E2E_CACHE_DIR).parent_path() / "e2e-deb-kernel" /
                              deb.filename().string();
        if (!fs::exists(tree)) {
            const fs::path partial = tree.string() + ".partial";
            fs::remove_all(partial);
            test::unpack_deb(deb, partial);
            fs::rename(partial, tree);
        }
        return tree;
    }

    static std::vector<fs::path> boot_images(const fs::path& tree) {
        std::vector<fs::path> images;
        for (const auto& entry : fs::directory_iterator(tree / "boot")) {
            if (entry.path().filename().string().rfind("vmlinuz-", 0) == 0) {
                images.push_back(entry.path());
            }
        }
        return images;
    }

    // A run with a cache of its own, so what it downloads can be seen.
    VmtestProcess::Options private_cache_options(std::vector<std::string> args) const {
        auto opts = options(std::move(args));
        opts.env["VMTEST_CACHE_DIR"] = m_cache.string();
        return opts;
    }

    std::vector<std::string> files_in_cache() const {
        std::vector<std::string> files;
        if (fs::exists(m_cache)) {
            for (const auto& entry : fs::recursive_directory_iterator(m_cache)) {
                if (!entry.is_directory()) {
                    files.push_back(entry.path().string());
                }
            }
        }
        return files;
    }

    void expect_booted_the_package(const RunResult& result) {
        EXPECT_EQ(result.status, 0) << describe(result);
        EXPECT_THAT(result.out, HasSubstr(m_deb_release + "\n"));
        EXPECT_THAT(result.out, HasSubstr("9p-module-loaded"));
        EXPECT_THAT(result.out, HasSubstr("no-host-modules-for-this-release"));
    }

    // A failed download: one line naming the URL and why, exit 69, nothing
    // started and nothing cached.
    void expect_download_failure(const RunResult& result, const std::string& url,
                                 const std::string& reason) {
        EXPECT_EQ(result.status, 69) << describe(result);
        EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
        EXPECT_THAT(result.err, HasSubstr(url));
        EXPECT_THAT(result.err, HasSubstr(reason));
        EXPECT_THAT(result.out, Not(HasSubstr("Booting")));
        EXPECT_THAT(files_in_cache(), ::testing::IsEmpty());
    }

    fs::path m_deb;
    fs::path m_tree;
    std::string m_deb_release;
    fs::path m_cache = m_root / "cache";
};

TEST_F(DebKernelE2E, ADebPackageBootsWithTheModulesItShips) {
    const auto result = vmtest({"-v", "-k", m_deb.string(), k_probe});
    expect_booted_the_package(result);
    // The -v line that says where the modules came from: the unpacked package.
    const auto from = result.err.find("modules from ");
    ASSERT_NE(from, std::string::npos) << result.err;
    const std::string modules_dir =
        result.err.substr(from + 13, result.err.find('\n', from) - from - 13);
    EXPECT_THAT(modules_dir, HasSubstr("/kernel-sources/packages/"));
    EXPECT_THAT(modules_dir, ::testing::EndsWith("/lib/modules/" + m_deb_release));
}

TEST_F(DebKernelE2E, AnInstalledKernelTreeBootsWithItsOwnModules) {
    const auto result = vmtest({"-v", "-k", m_tree.string(), k_probe});
    expect_booted_the_package(result);
    EXPECT_THAT(result.err,
                HasSubstr("modules from " + (m_tree / "lib/modules" / m_deb_release).string()));
}

TEST_F(DebKernelE2E, AKernelBuildTreeBootsWithTheModulesBesideTheirSources) {
    // The package's kernel and modules laid out as `make` leaves a 6.2+
    // tree: arch/x86/boot/bzImage, modules.order naming fs/9p/9p.o, the
    // module beside it (here compressed, as CONFIG_MODULE_COMPRESS leaves
    // it), and no modules.dep anywhere.
    const fs::path installed = m_tree / "lib/modules" / m_deb_release;
    const fs::path tree = m_root / "linux";
    fs::create_directories(tree / "arch/x86/boot");
    fs::copy_file(boot_images(m_tree).front(), tree / "arch/x86/boot/bzImage");
    std::ifstream order_in(installed / "modules.order");
    std::ofstream order_out(tree / "modules.order");
    for (std::string line; std::getline(order_in, line);) {
        ASSERT_EQ(line.rfind("kernel/", 0), 0U) << line;
        ASSERT_EQ(line.substr(line.size() - 3), ".ko") << line;
        const fs::path source = line.substr(7, line.size() - 10); // fs/9p/9p
        order_out << source.string() << ".o\n";
        fs::create_directories(tree / source.parent_path());
        fs::create_symlink(installed / (line + ".xz"), tree / (source.string() + ".ko.xz"));
    }
    order_out.close();
    fs::copy_file(installed / "modules.builtin", tree / "modules.builtin");

    const auto result = vmtest({"-v", "-k", tree.string(), k_probe});
    expect_booted_the_package(result);
    EXPECT_THAT(result.err, HasSubstr("modules from " + tree.string() + "\n"));
}

TEST_F(DebKernelE2E, AUrlIsDownloadedOnceThenRevalidated) {
    LoopbackHttpServer server;
    server.serve("/pool/" + m_deb.filename().string(),
                 LoopbackHttpServer::Resource::of_file(m_deb)
                     .with_etag("\"deb-1\"")
                     .with_last_modified("Mon, 07 Jul 2025 10:00:00 GMT"));
    const std::string url = server.url("/pool/" + m_deb.filename().string());
    const std::vector<std::string> args = {"--backend", "qemu-tcg", "-k", url, k_probe};

    expect_booted_the_package(run_vmtest(private_cache_options(args)));
    expect_booted_the_package(run_vmtest(private_cache_options(args)));
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2U);
    EXPECT_EQ(requests[0].status, 200);
    EXPECT_EQ(requests[1].headers.at("if-none-match"), "\"deb-1\"");
    EXPECT_EQ(requests[1].status, 304) << "the second run must not download again";
}

TEST_F(DebKernelE2E, AUrlThatIsNotFoundFailsInOneLine) {
    LoopbackHttpServer server;
    const std::string url = server.url("/pool/missing.deb");
    expect_download_failure(run_vmtest(private_cache_options({"-k", url, "true"})), url,
                            "HTTP status 404 (Not Found)");
}

TEST_F(DebKernelE2E, ARefusedConnectionFailsInOneLine) {
    const std::string url =
        "http://127.0.0.1:" + std::to_string(LoopbackHttpServer::unused_port()) + "/k.deb";
    expect_download_failure(run_vmtest(private_cache_options({"-k", url, "true"})), url,
                            "Connection refused");
}

TEST_F(DebKernelE2E, ADownloadCutShortFailsInOneLine) {
    LoopbackHttpServer server;
    server.serve("/k.deb", LoopbackHttpServer::Resource::of_file(m_deb).closing_after(1 << 20));
    const std::string url = server.url("/k.deb");
    expect_download_failure(run_vmtest(private_cache_options({"-k", url, "true"})), url,
                            "bytes remaining to read");
}

TEST_F(DebKernelE2E, AWrongKernelSha256FailsInOneLine) {
    LoopbackHttpServer server;
    server.serve("/k.deb", LoopbackHttpServer::Resource::of_file(m_deb));
    const std::string url = server.url("/k.deb");
    const std::string wrong(64, '0');
    write_file("vmtest.toml", "[[target]]\nname = \"pinned\"\nkernel = \"" + url +
                                  "\"\nkernel_sha256 = \"" + wrong + "\"\ncommand = \"true\"\n");
    expect_download_failure(run_vmtest(private_cache_options({})), url,
                            "but kernel_sha256 is " + wrong);
}

TEST_F(DebKernelE2E, DownloadProgressShowsOnATerminal) {
    LoopbackHttpServer server;
    server.serve("/k.deb", LoopbackHttpServer::Resource::of_file(m_deb));
    const std::string url = server.url("/k.deb");
    write_file("vmtest.toml", "[[target]]\nname = \"pinned\"\nkernel = \"" + url +
                                  "\"\nkernel_sha256 = \"" + std::string(64, '0') +
                                  "\"\ncommand = \"true\"\n");
    // `script` gives vmtest a terminal; the wrong pin ends the run once the
    // download is done, before anything boots.
    const std::string command = "cd '" + m_project.string() +
                                "' && env -u VMTEST_NO_UI XDG_RUNTIME_DIR='" + m_runtime.string() +
                                "' VMTEST_CACHE_DIR='" + m_cache.string() +
                                "' script -qec \"'" VMTEST_BINARY "'\" /dev/null";
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string out;
    char buffer[4096];
    while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) {
        out.append(buffer, n);
    }
    const int status = pclose(pipe);
    EXPECT_EQ(WEXITSTATUS(status), 69) << out;
    EXPECT_THAT(out, HasSubstr("\rvmtest: downloading " + url + ": "));
    EXPECT_THAT(out, ::testing::ContainsRegex("MiB \\([0-9]+%\\)"));
    EXPECT_THAT(out, HasSubstr("but kernel_sha256 is"));
}

} // namespace
} // namespace vmtest::e2e
