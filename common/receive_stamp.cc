#include "common/receive_stamp.h"

#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include <algorithm>
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

int64_t LatestArrivalNs(int fd) {
  // With MSG_TRUNC nothing is copied, so the buffer is never written; its length only lets
  // the peek walk every queued segment, and the stamp reported is the last one walked.
  char unused;
  int64_t arrival;
  ReceiveWithArrival(fd, &unused, size_t{1} << 30, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT, &arrival);
  return arrival;
}

int64_t RecordedArrivalNs(int64_t arrival_ns, int64_t floor_ns, int64_t read_ns) {
  if (arrival_ns < 0) return read_ns;
  return std::clamp(arrival_ns, std::min(floor_ns, read_ns), read_ns);
}

}  // namespace llmload
