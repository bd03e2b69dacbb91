// What an out-of-tree backend does with vmtest::plugin-support: find a
// program on PATH, run it as a ChildProcess and see its exit status, read a
// QAPI-style JSON reply from a unix socket with a deadline. Prints
// "plugin-support works" and exits 0 when all went well.
#include <sys/socket.h>

#include <cstdio>
#include <string>

#include "vmtest/plugin-support/child_process.hpp"
#include "vmtest/plugin-support/deadline.hpp"
#include "vmtest/plugin-support/find_program.hpp"
#include "vmtest/plugin-support/json_reader.hpp"
#include "vmtest/plugin-support/unix_socket.hpp"

int main() {
    using namespace vmtest;
    const auto sh = util::find_program("sh");
    if (!sh) {
        std::puts("no sh on PATH");
        return 1;
    }
    util::ChildProcess child(util::SpawnOptions{{sh->string(), "-c", "exit 3"}});
    const auto exit = child.wait_for(std::chrono::seconds(10));
    if (!exit || exit->exit_code != 3) {
        std::puts("the child's exit status was not seen");
        return 1;
    }
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
        return 1;
    }
    protocol::UnixSocket ours(fds[0]);
    protocol::UnixSocket theirs(fds[1]);
    theirs.write_all(R"({"return": {}})", protocol::deadline_after(std::chrono::seconds(5)));
    protocol::JsonReader reader;
    const auto reply = reader.read_object(ours, protocol::deadline_after(std::chrono::seconds(5)));
    if (!reply.contains("return")) {
        return 1;
    }
    std::puts("plugin-support works");
    return 0;
}
