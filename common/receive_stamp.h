// Kernel receive timestamps. The kernel stamps each TCP segment as it arrives (SO_TIMESTAMPNS)
// and hands the stamp to recvmsg(). The mock uses it to start its own TTFT at the request's
// arrival; the load engine peeks at a readable socket before libcurl reads it, to learn when
// the bytes waiting there arrived however long its event loop took to get to them: a busy loop
// then delays when a chunk is processed, not the time it is measured at.
#ifndef LLMLOAD_COMMON_RECEIVE_STAMP_H_
#define LLMLOAD_COMMON_RECEIVE_STAMP_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

namespace llmload {

// Asks the kernel to stamp what `fd` receives from now on (sockets accepted from a listening
// socket inherit it); false if it refuses.
bool EnableReceiveStamps(int fd);

// recv(fd, buf, len, flags) that also sets `*arrival_ns` (monotonic clock) to the stamp of the
// latest segment the call walked, or -1 when there is none. Returns what recv() would.
ssize_t ReceiveWithArrival(int fd, void* buf, size_t len, int flags, int64_t* arrival_ns);

// The arrival of the latest bytes queued on `fd`, without consuming or copying anything
// (MSG_PEEK | MSG_TRUNC); -1 when nothing is queued, the bytes carry no stamp, or 64 KiB or
// more are queued (the walk stops there). One syscall.
// Only the latest is knowable: TCP merges small segments that queue behind each other into
// one buffer and keeps the newest one's stamp (a one-byte peek at two queued segments reports
// the second one's arrival).
// A pending socket error (ECONNRESET after a peer's RST) is reported by the peek and thereby
// cleared, so a later recv() sees a plain end of stream: it is put in `*socket_error` (when
// given; 0 otherwise) for the caller to remember.
int64_t LatestArrivalNs(int fd, int* socket_error = nullptr);

// The time to record for response bytes read at `read_ns`: the kernel's arrival stamp
// `arrival_ns` (-1: none) where there is one, but never before `floor_ns` (what was already
// recorded of the same response, or its send time) and never after the read.
int64_t RecordedArrivalNs(int64_t arrival_ns, int64_t floor_ns, int64_t read_ns);

}  // namespace llmload

#endif  // LLMLOAD_COMMON_RECEIVE_STAMP_H_
