// The AWS event-stream framing (application/vnd.amazon.eventstream), in which Bedrock's
// ConverseStream, Transcribe and others stream: binary messages, each
//   prelude:  total length (u32 BE), headers length (u32 BE), CRC-32 of those 8 bytes (u32 BE)
//   headers:  name length (u8), name, value type (u8), value (by type, below)
//   payload:  total - headers - 16 bytes
//   CRC-32 of everything before it (u32 BE)
// Header value types: 0 true, 1 false (no value), 2 byte, 3 short, 4 int, 5 long (1, 2, 4, 8
// bytes, big-endian, signed), 6 bytes and 7 string (u16 BE length, then the bytes), 8 timestamp
// (i64 BE ms since the epoch), 9 uuid (16 bytes).
//
// EventStreamDecoder takes the bytes as they arrive, cut anywhere, and reports each message
// whose both CRCs check. A message is kept whole only when it spans reads, in one reused
// buffer; headers go to a reused vector: steady state allocates nothing. Both CRCs are checked
// (a bad one, a length that cannot be, or an unknown header type is malformed: the stream
// cannot be resynchronised after it), and a message over the size limit is refused from its
// prelude, before its bytes are kept. The frame writers below are for the mock and tests.
#ifndef LLMLOAD_API_AWS_EVENT_STREAM_H_
#define LLMLOAD_API_AWS_EVENT_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace llmload {

enum class EventStreamHeaderType : uint8_t {
  kTrue = 0,
  kFalse = 1,
  kByte = 2,
  kShort = 3,
  kInt = 4,
  kLong = 5,
  kBytes = 6,
  kString = 7,
  kTimestamp = 8,
  kUuid = 9,
};

struct EventStreamHeader {
  absl::string_view name;
  EventStreamHeaderType type = EventStreamHeaderType::kString;
  // kBytes, kString: the bytes; kUuid: the 16 raw bytes; otherwise empty.
  absl::string_view bytes;
  // kTrue/kFalse: 1/0; kByte..kLong: the value; kTimestamp: ms since the epoch.
  int64_t number = 0;
};

// One message, valid during the callback only.
struct EventStreamMessage {
  absl::Span<const EventStreamHeader> headers;
  absl::string_view payload;
  // The value of the string header `name` (":event-type"); empty when absent or not a string.
  absl::string_view StringHeader(absl::string_view name) const;
};

class EventStreamDecoder {
 public:
  enum class Status : uint8_t { kOk, kMalformed, kTooLarge };
  enum class End : uint8_t { kClean, kPartialMessage, kError };

  // The smallest message: a prelude and a CRC, nothing else.
  static constexpr size_t kMinMessageBytes = 16;

  // Messages over `max_message_bytes` (total length) are refused as kTooLarge.
  explicit EventStreamDecoder(size_t max_message_bytes);
  EventStreamDecoder(const EventStreamDecoder&) = delete;
  EventStreamDecoder& operator=(const EventStreamDecoder&) = delete;

  using MessageCallback = absl::FunctionRef<void(const EventStreamMessage&)>;
  // Calls `on_message` for each message the bytes complete. Once a status other than kOk is
  // returned, it sticks and further bytes are ignored until Reset().
  Status Feed(absl::string_view bytes, MessageCallback on_message);
  // The body ended: kClean when nothing was pending, kPartialMessage inside a message,
  // kError after a malformed or too large one.
  End Finish() const;
  // Forgets the stream; keeps buffers (a large one is given back).
  void Reset();

  Status status() const { return status_; }
  int64_t messages() const { return messages_; }

 private:
  // Checks the prelude at the start of `frame` (at least 12 bytes) and sets *total.
  Status CheckPrelude(absl::string_view frame, uint32_t* total) const;
  // Checks and reports one whole message of `total` bytes.
  Status Decode(absl::string_view frame, MessageCallback on_message);

  const size_t max_message_bytes_;
  std::string pending_;         // a message that spans reads, as received so far
  uint32_t pending_total_ = 0;  // its total length, once its prelude is in
  std::vector<EventStreamHeader> headers_;
  Status status_ = Status::kOk;
  int64_t messages_ = 0;
};

// Appends a header of type string (the only type the mock sends) to `headers`.
void AppendEventStreamStringHeader(absl::string_view name, absl::string_view value,
                                   std::string* headers);
// Appends one message with the encoded `headers` (AppendEventStreamStringHeader, or raw bytes
// of any type) and `payload` to `out`, with both CRCs.
void AppendEventStreamMessage(absl::string_view headers, absl::string_view payload,
                              std::string* out);

}  // namespace llmload

#endif  // LLMLOAD_API_AWS_EVENT_STREAM_H_
