// The summary reporter's unit test, with the SDK's fake host and no vmtest:
// the plugin's own entry point is linked into this program, called as
// vmtest would call it. Plain asserts, so it needs nothing but the SDK.
#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <unistd.h>

#include <vmtest/sdk/testing/fake_host.hpp>

extern "C" const vmtest_plugin_descriptor* vmtest_plugin_entry(void);

namespace {

using namespace vmtest::sdk::testing;

nlohmann::json finished(const std::string& target, const std::string& result, double seconds) {
    return {{"type", "target_finished"}, {"target", target}, {"result", result},
            {"duration_s", seconds}};
}

void check(bool condition, const std::string& what) {
    if (!condition) {
        std::cerr << "FAIL: " << what << "\n";
        std::exit(1);
    }
}

}  // namespace

int main() {
    char dir[] = "/tmp/summary-test.XXXXXX";
    check(::mkdtemp(dir) != nullptr, "mkdtemp");
    const std::string report = std::string(dir) + "/summary.txt";

    FakeHost host;
    {
        FakeInstance reporter(LoadedPlugin::from_entry(vmtest_plugin_entry), host,
                              {{"path", report}});
        check(reporter.event({{"type", "run_started"}, {"targets", {"boots", "breaks"}}}).ok(),
              "run_started");
        check(reporter.event(finished("boots", "pass", 4.2)).ok(), "a pass");
        check(reporter.event(finished("breaks", "error", 0.5)).ok(), "an error");
        const CallResult done = reporter.finish();
        check(done.ok(), "finish: " + done.error);
    }

    std::ostringstream text;
    text << std::ifstream(report).rdbuf();
    check(text.str() == "PASS boots 4.2s\nFAIL breaks 0.5s\n1/2 passed\n",
          "the report reads:\n" + text.str());
    check(host.log_messages().size() == 1 &&
              host.log_messages()[0] == "summary written to " + report,
          "one debug line naming the report");
    std::remove(report.c_str());
    ::rmdir(dir);
    std::cout << "summary reporter: ok\n";
    return 0;
}
