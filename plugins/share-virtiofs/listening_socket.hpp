// The vhost-user socket of one virtiofsd, created and put in the listening
// state by vmtest itself before the daemon starts; the daemon inherits it
// (--fd; SpawnOptions::keep_fds, so no other child ever does).
//
// Why not let the daemon create it (--socket-path) and wait for it? The
// socket file appears at bind(), before listen(), so a QEMU that connects on
// seeing the file can be refused; probing with a connection of our own is no
// way out either, because virtiofsd serves exactly one client: it accepts
// once and closes the listening socket, so the probe would take QEMU's only
// connection. (QEMU 7.2's virtiofsd also leaves a pid file behind in
// /run/virtiofsd for every socket path.) A socket that is listening before
// the daemon exists has none of these problems: QEMU's connect succeeds at
// once and waits in the backlog until the daemon accepts, however slowly it
// starts. vmtest closes its own copy right after starting the daemon, so if
// the daemon dies before accepting, the socket dies with it and QEMU fails
// at once instead of waiting forever for a handshake nobody will answer.
#pragma once

#include <filesystem>

namespace vmtest::virtiofs {

class ListeningSocket {
  public:
    // bind() + listen() at `path` (close-on-exec). Throws on failure.
    explicit ListeningSocket(const std::filesystem::path& path);
    ~ListeningSocket();
    ListeningSocket(const ListeningSocket&) = delete;
    ListeningSocket& operator=(const ListeningSocket&) = delete;

    int fd() const { return m_fd; }

  private:
    int m_fd = -1;
};

}  // namespace vmtest::virtiofs
