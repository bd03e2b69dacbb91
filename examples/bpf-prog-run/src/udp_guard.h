/* The policy both XDP programs enforce, shared with the tests that check it.
 *
 * A tiny UDP guard for a host: datagrams to the discard port are dropped,
 * datagrams to the echo port are answered from XDP (the frame is turned
 * around and sent back out, XDP_TX), everything else goes up the stack.
 * Frames too short for the headers they announce are dropped. */
#ifndef UDP_GUARD_H
#define UDP_GUARD_H

#define UDP_GUARD_DISCARD_PORT 9 /* RFC 863 */
#define UDP_GUARD_ECHO_PORT 7    /* RFC 862 */
/* The TTL of the echo replies the guard sends (a new packet's, not the
 * request's minus one). */
#define UDP_GUARD_REPLY_TTL 64

#endif
