#include "common/receive_stamp.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "common/clock.h"
#include "gtest/gtest.h"

namespace llmload {
namespace {

// A connected pair of TCP sockets on 127.0.0.1; `client` has receive stamps on.
class LoopbackPair {
 public:
  LoopbackPair() {
    const int listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    listen(listener, 1);
    getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
    client = socket(AF_INET, SOCK_STREAM, 0);
    const int rcvbuf = 1 << 20;  // room for a long queue (see AQueueLongerThanTheWalk...)
    setsockopt(client, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    stamps_enabled = EnableReceiveStamps(client);
    connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    server = accept(listener, nullptr, nullptr);
    const int one = 1;
    setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    close(listener);
  }
  ~LoopbackPair() {
    close(client);
    close(server);
  }
  void Send(const std::string& s) {
    ASSERT_EQ(send(server, s.data(), s.size(), 0), ssize_t(s.size()));
  }
  // Waits until `bytes` are queued on the client (loopback delivers within send(), but the
  // test must not depend on it).
  void AwaitQueued(size_t bytes) {
    for (int i = 0; i < 2000 && Queued() < bytes; ++i) usleep(1000);
  }
  size_t Queued() {
    int n = 0;
    ioctl(client, FIONREAD, &n);
    return static_cast<size_t>(n);
  }
  std::string ReadAll() {
    std::string out;
    char buf[256];
    ssize_t n;
    while ((n = recv(client, buf, sizeof(buf), MSG_DONTWAIT)) > 0) out.append(buf, n);
    return out;
  }

  int client = -1;
  int server = -1;
  bool stamps_enabled = false;
};

TEST(ReceiveStampTest, ReportsTheLatestQueuedArrivalWithoutConsumingAnything) {
  LoopbackPair p;
  ASSERT_TRUE(p.stamps_enabled);
  EXPECT_EQ(LatestArrivalNs(p.client), -1);  // nothing queued

  const int64_t before_first = MonotonicNowNs();
  p.Send("first chunk;");
  usleep(30'000);
  const int64_t before_second = MonotonicNowNs();
  p.Send("second chunk;");
  const int64_t after_second = MonotonicNowNs();
  p.AwaitQueued(25);
  usleep(30'000);  // the bytes now wait in the socket, as for a busy event loop

  const int64_t arrival = LatestArrivalNs(p.client);
  // The second segment's arrival: after its send began, well before now.
  EXPECT_GE(arrival, before_second);
  EXPECT_GT(arrival, before_first + 20'000'000);
  EXPECT_LT(arrival, after_second + 20'000'000);
  EXPECT_LT(arrival, MonotonicNowNs() - 20'000'000);

  // A peek: everything is still there for the reader.
  EXPECT_EQ(p.ReadAll(), "first chunk;second chunk;");
  EXPECT_EQ(LatestArrivalNs(p.client), -1);
}

TEST(ReceiveStampTest, AQueueLongerThanTheWalkHasNoAnswer) {
  LoopbackPair p;
  ASSERT_TRUE(p.stamps_enabled);
  const std::string big(100 << 10, 'x');  // more than LatestArrivalNs walks
  size_t sent = 0;
  for (int i = 0; i < 2000 && sent < big.size(); ++i) {
    const ssize_t n = send(p.server, big.data() + sent, big.size() - sent, MSG_DONTWAIT);
    if (n > 0) sent += static_cast<size_t>(n);
    if (sent < big.size()) usleep(1000);
  }
  ASSERT_EQ(sent, big.size());
  p.AwaitQueued(big.size());
  ASSERT_EQ(p.Queued(), big.size());
  EXPECT_EQ(LatestArrivalNs(p.client), -1);
  EXPECT_EQ(p.ReadAll().size(), big.size());  // nothing consumed
}

TEST(ReceiveStampTest, NoStampWithoutTheSocketOption) {
  LoopbackPair p;
  const int zero = 0;
  setsockopt(p.client, SOL_SOCKET, SO_TIMESTAMPNS, &zero, sizeof(zero));
  p.Send("x");
  p.AwaitQueued(1);
  EXPECT_EQ(LatestArrivalNs(p.client), -1);
  EXPECT_EQ(p.ReadAll(), "x");
}

TEST(ReceiveStampTest, RecordedArrivalPrefersTheStampWithinBounds) {
  // No stamp: the read time.
  EXPECT_EQ(RecordedArrivalNs(-1, 100, 500), 500);
  // A stamp between what was recorded before and the read: the stamp.
  EXPECT_EQ(RecordedArrivalNs(300, 100, 500), 300);
  // Never before the floor (the send time, or bytes of this response recorded earlier).
  EXPECT_EQ(RecordedArrivalNs(50, 100, 500), 100);
  // Never after the read.
  EXPECT_EQ(RecordedArrivalNs(700, 100, 500), 500);
  // A floor after the read (clock reads in another order): the read time, never later.
  EXPECT_EQ(RecordedArrivalNs(50, 600, 500), 500);
  EXPECT_EQ(RecordedArrivalNs(550, 600, 500), 500);
}

}  // namespace
}  // namespace llmload
