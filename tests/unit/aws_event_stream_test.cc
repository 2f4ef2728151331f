#include "api/aws_event_stream.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "api/crc32.h"
#include "gtest/gtest.h"

namespace llmload {
namespace {

using Status = EventStreamDecoder::Status;
using End = EventStreamDecoder::End;

struct Seen {
  std::string event_type;
  std::string payload;
  bool operator==(const Seen&) const = default;
};

std::string StringMessage(absl::string_view event_type, absl::string_view payload) {
  std::string headers;
  AppendEventStreamStringHeader(":message-type", "event", &headers);
  AppendEventStreamStringHeader(":event-type", event_type, &headers);
  AppendEventStreamStringHeader(":content-type", "application/json", &headers);
  std::string out;
  AppendEventStreamMessage(headers, payload, &out);
  return out;
}

struct Decoded {
  std::vector<Seen> seen;
  Status status = Status::kOk;
  End end = End::kClean;
};

Decoded Feed(EventStreamDecoder& d, const std::vector<absl::string_view>& reads) {
  Decoded r;
  for (absl::string_view read : reads) {
    r.status = d.Feed(read, [&](const EventStreamMessage& m) {
      r.seen.push_back({std::string(m.StringHeader(":event-type")), std::string(m.payload)});
    });
  }
  r.end = d.Finish();
  return r;
}

TEST(Crc32Test, MatchesZlib) {
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32(""), 0u);
  EXPECT_EQ(Crc32("6789", Crc32("12345")), 0xCBF43926u);
}

TEST(EventStreamTest, EmptyMessageIsTheSpecVector) {
  // aws-c-event-stream's "empty message" test vector.
  std::string out;
  AppendEventStreamMessage("", "", &out);
  EXPECT_EQ(absl::BytesToHexString(out), "000000100000000005c248eb7d98c8ff");
  EventStreamDecoder d(1024);
  Decoded r = Feed(d, {out});
  EXPECT_EQ(r.status, Status::kOk);
  ASSERT_EQ(r.seen.size(), 1u);
  EXPECT_EQ(r.seen[0].payload, "");
}

// A message with every header type, encoded by the AWS SDK's own codec
// (@smithy/core/event-streams EventStreamCodec.encode).
TEST(EventStreamTest, DecodesEveryHeaderTypeAsTheSdkEncodesThem) {
  const std::string frame = absl::HexStringToBytes(
      "0000007f000000685dc9411d017400016601016202fe017303fed401690400011170016c05fffffffed5fa0e"
      "0001790600030102030b3a6576656e742d74797065070011636f6e74656e74426c6f636b44656c746102747308"
      "0000018bcfe5687b0175090102030405060708090a0b0c0d0e0f107b2278223a317d694f11a9");
  EventStreamDecoder d(1024);
  std::vector<EventStreamHeader> headers;
  std::string payload;
  std::vector<std::string> names;
  std::string uuid, binary, event_type;
  ASSERT_EQ(d.Feed(frame,
                   [&](const EventStreamMessage& m) {
                     headers.assign(m.headers.begin(), m.headers.end());
                     payload = std::string(m.payload);
                     for (const auto& h : m.headers) {
                       names.emplace_back(h.name);
                       if (h.name == "u") uuid = std::string(h.bytes);
                       if (h.name == "y") binary = std::string(h.bytes);
                     }
                     event_type = std::string(m.StringHeader(":event-type"));
                   }),
            Status::kOk);
  ASSERT_EQ(headers.size(), 10u);
  EXPECT_EQ(payload, "{\"x\":1}");
  EXPECT_EQ(event_type, "contentBlockDelta");
  using T = EventStreamHeaderType;
  EXPECT_EQ(headers[0].type, T::kTrue);
  EXPECT_EQ(headers[0].number, 1);
  EXPECT_EQ(headers[1].type, T::kFalse);
  EXPECT_EQ(headers[1].number, 0);
  EXPECT_EQ(headers[2].type, T::kByte);
  EXPECT_EQ(headers[2].number, -2);
  EXPECT_EQ(headers[3].type, T::kShort);
  EXPECT_EQ(headers[3].number, -300);
  EXPECT_EQ(headers[4].type, T::kInt);
  EXPECT_EQ(headers[4].number, 70000);
  EXPECT_EQ(headers[5].type, T::kLong);
  EXPECT_EQ(headers[5].number, -5000000000);
  EXPECT_EQ(headers[6].type, T::kBytes);
  EXPECT_EQ(binary, std::string("\x01\x02\x03"));
  EXPECT_EQ(headers[8].type, T::kTimestamp);
  EXPECT_EQ(headers[8].number, 1700000000123);
  EXPECT_EQ(headers[9].type, T::kUuid);
  EXPECT_EQ(absl::BytesToHexString(uuid), "0102030405060708090a0b0c0d0e0f10");
}

TEST(EventStreamTest, SameMessagesAtEverySplitPoint) {
  std::string stream = StringMessage("messageStart", R"({"role":"assistant"})");
  stream += StringMessage("contentBlockDelta", R"({"delta":{"text":"Hello"}})");
  stream += StringMessage("messageStop", R"({"stopReason":"end_turn"})");
  EventStreamDecoder whole(4096);
  const Decoded expected = Feed(whole, {stream});
  ASSERT_EQ(expected.seen.size(), 3u);
  EXPECT_EQ(expected.seen[1], (Seen{"contentBlockDelta", R"({"delta":{"text":"Hello"}})"}));
  EventStreamDecoder d(4096);
  for (size_t i = 0; i <= stream.size(); ++i) {
    for (size_t j = i; j <= stream.size(); j += 7) {
      d.Reset();
      absl::string_view s(stream);
      Decoded r = Feed(d, {s.substr(0, i), s.substr(i, j - i), s.substr(j)});
      ASSERT_EQ(r.seen, expected.seen) << i << " " << j;
      ASSERT_EQ(r.status, Status::kOk);
      ASSERT_EQ(r.end, End::kClean);
    }
  }
  // Byte by byte.
  d.Reset();
  std::vector<absl::string_view> bytes;
  for (size_t i = 0; i < stream.size(); ++i)
    bytes.push_back(absl::string_view(stream).substr(i, 1));
  EXPECT_EQ(Feed(d, bytes).seen, expected.seen);
}

TEST(EventStreamTest, CutMessageIsPartial) {
  const std::string m = StringMessage("messageStop", "{}");
  for (size_t cut = 1; cut < m.size(); ++cut) {
    EventStreamDecoder d(4096);
    Decoded r = Feed(d, {absl::string_view(m).substr(0, cut)});
    EXPECT_TRUE(r.seen.empty());
    EXPECT_EQ(r.status, Status::kOk);
    EXPECT_EQ(r.end, End::kPartialMessage) << cut;
  }
}

TEST(EventStreamTest, EveryFlippedByteIsMalformed) {
  const std::string m = StringMessage("contentBlockDelta", R"({"delta":{"text":"x"}})");
  for (size_t i = 0; i < m.size(); ++i) {
    std::string bad = m;
    bad[i] ^= 0x01;
    EventStreamDecoder d(4096);
    Decoded r = Feed(d, {bad, m});
    // The prelude CRC covers the lengths, the message CRC the rest: no flip gets through, and
    // the good message after it is not delivered either (the stream cannot be resynchronised).
    EXPECT_TRUE(r.seen.empty()) << i;
    EXPECT_EQ(r.status, Status::kMalformed) << i;
    EXPECT_EQ(r.end, End::kError) << i;
  }
}

TEST(EventStreamTest, BadLengthsAreMalformed) {
  // A total below the 16-byte minimum, with a valid prelude CRC.
  std::string m = StringMessage("x", "");
  std::string small = std::string("\0\0\0\x0c\0\0\0\0", 8);
  const uint32_t crc = Crc32(small);
  for (int s = 24; s >= 0; s -= 8) small.push_back(static_cast<char>((crc >> s) & 0xFF));
  small += std::string(8, '\0');
  EventStreamDecoder d(4096);
  EXPECT_EQ(Feed(d, {small}).status, Status::kMalformed);
  // Headers longer than the message.
  std::string big_headers = std::string("\0\0\0\x10\0\0\0\x01", 8);
  const uint32_t crc2 = Crc32(big_headers);
  for (int s = 24; s >= 0; s -= 8) big_headers.push_back(static_cast<char>((crc2 >> s) & 0xFF));
  big_headers += std::string(4, '\0');
  d.Reset();
  EXPECT_EQ(Feed(d, {big_headers}).status, Status::kMalformed);
  // An unknown header type (10) in a message whose CRCs are right.
  std::string headers = std::string("\x01h\x0a", 3);
  std::string out;
  AppendEventStreamMessage(headers, "{}", &out);
  d.Reset();
  EXPECT_EQ(Feed(d, {out}).status, Status::kMalformed);
  // A string header whose length runs past the block.
  out.clear();
  AppendEventStreamMessage(std::string("\x01h\x07\x00\x09zz", 6), "{}", &out);
  d.Reset();
  EXPECT_EQ(Feed(d, {out}).status, Status::kMalformed);
}

TEST(EventStreamTest, MessageOverTheLimitIsTooLargeFromItsPrelude) {
  const std::string m = StringMessage("contentBlockDelta", std::string(200, 'a'));
  EventStreamDecoder d(m.size() - 1);
  // Only the prelude arrived: refused already, nothing kept.
  Decoded r = Feed(d, {absl::string_view(m).substr(0, 12)});
  EXPECT_EQ(r.status, Status::kTooLarge);
  EXPECT_EQ(r.end, End::kError);
  EventStreamDecoder fits(m.size());
  EXPECT_EQ(Feed(fits, {m}).seen.size(), 1u);
  // The error sticks until Reset.
  EXPECT_EQ(d.Feed(m, [](const EventStreamMessage&) {}), Status::kTooLarge);
  d.Reset();
  EXPECT_EQ(d.status(), Status::kOk);
}

}  // namespace
}  // namespace llmload
