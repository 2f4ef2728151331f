#include "common/receive_stamp.h"

#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/clock.h"

namespace llmload {

bool EnableReceiveStamps(int fd) {
  const int one = 1;
  return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) == 0;
}

ssize_t ReceiveWithArrival(int fd, void* buf, size_t len, int flags, int64_t* arrival_ns) {
  *arrival_ns = -1;
  iovec iov{buf, len};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  const ssize_t n = recvmsg(fd, &msg, flags);
  if (n <= 0) return n;
  for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm != nullptr; cm = CMSG_NXTHDR(&msg, cm)) {
    if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_TIMESTAMPNS) continue;
    timespec stamp;
    std::memcpy(&stamp, CMSG_DATA(cm), sizeof(stamp));
    if (stamp.tv_sec != 0 || stamp.tv_nsec != 0) *arrival_ns = MonotonicFromWallStamp(stamp);
  }
  return n;
}

int64_t LatestArrivalNs(int fd, int* socket_error) {
  // MSG_TRUNC walks the queued segments without copying them (the stamp reported is the last
  // one walked), so the buffer stays untouched; it is real anyway, so a kernel that copied
  // regardless could not write past it. A queue longer than the walk may hold later bytes
  // than the stamp says: then there is no answer, and the read time stands.
  char walk[64 << 10];
  int64_t arrival;
  const ssize_t n =
      ReceiveWithArrival(fd, walk, sizeof(walk), MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT, &arrival);
  if (socket_error != nullptr) {
    *socket_error = n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR ? errno : 0;
  }
  return n > 0 && static_cast<size_t>(n) < sizeof(walk) ? arrival : -1;
}

int64_t RecordedArrivalNs(int64_t arrival_ns, int64_t floor_ns, int64_t read_ns) {
  if (arrival_ns < 0) return read_ns;
  return std::clamp(arrival_ns, std::min(floor_ns, read_ns), read_ns);
}

}  // namespace llmload
