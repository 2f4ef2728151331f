#include "api/aws_event_stream.h"

#include <algorithm>

#include "api/crc32.h"

namespace llmload {
namespace {

constexpr size_t kPreludeBytes = 12;  // total, headers length, prelude CRC
constexpr size_t kCrcBytes = 4;
// A buffer that grew past this for one large message is given back on Reset().
constexpr size_t kKeepBufferBytes = 1 << 20;

uint64_t ReadBigEndian(absl::string_view bytes, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(bytes[i]);
  return v;
}

void AppendBigEndian(uint64_t v, size_t n, std::string* out) {
  for (size_t i = n; i-- > 0;) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// Sign-extends the n-byte big-endian integer at the front of `bytes`.
int64_t ReadSigned(absl::string_view bytes, size_t n) {
  const uint64_t v = ReadBigEndian(bytes, n);
  if (n == 8) return static_cast<int64_t>(v);
  const uint64_t sign = uint64_t{1} << (8 * n - 1);
  return static_cast<int64_t>((v ^ sign) - sign);
}

// Parses the header block into *out. False when it is not well formed.
bool ParseHeaders(absl::string_view block, std::vector<EventStreamHeader>* out) {
  out->clear();
  while (!block.empty()) {
    EventStreamHeader h;
    const size_t name_len = static_cast<uint8_t>(block[0]);
    if (name_len == 0 || block.size() < 1 + name_len + 1) return false;
    h.name = block.substr(1, name_len);
    const uint8_t type = static_cast<uint8_t>(block[1 + name_len]);
    block.remove_prefix(2 + name_len);
    size_t fixed = 0;  // bytes of a fixed-size value
    switch (type) {
      case 0:
      case 1:
        h.number = type == 0 ? 1 : 0;
        break;
      case 2:
        fixed = 1;
        break;
      case 3:
        fixed = 2;
        break;
      case 4:
        fixed = 4;
        break;
      case 5:
      case 8:
        fixed = 8;
        break;
      case 9:
        fixed = 16;
        break;
      case 6:
      case 7: {
        if (block.size() < 2) return false;
        const size_t len = ReadBigEndian(block, 2);
        if (block.size() < 2 + len) return false;
        h.bytes = block.substr(2, len);
        block.remove_prefix(2 + len);
        break;
      }
      default:
        return false;
    }
    if (fixed > 0) {
      if (block.size() < fixed) return false;
      if (type == 9) {
        h.bytes = block.substr(0, fixed);
      } else {
        h.number = ReadSigned(block, fixed);
      }
      block.remove_prefix(fixed);
    }
    h.type = static_cast<EventStreamHeaderType>(type);
    out->push_back(h);
  }
  return true;
}

}  // namespace

absl::string_view EventStreamMessage::StringHeader(absl::string_view name) const {
  for (const EventStreamHeader& h : headers) {
    if (h.name == name) {
      return h.type == EventStreamHeaderType::kString ? h.bytes : absl::string_view();
    }
  }
  return absl::string_view();
}

EventStreamDecoder::EventStreamDecoder(size_t max_message_bytes)
    : max_message_bytes_(std::max(max_message_bytes, kMinMessageBytes)) {
  headers_.reserve(8);
}

EventStreamDecoder::Status EventStreamDecoder::CheckPrelude(absl::string_view frame,
                                                            uint32_t* total) const {
  *total = static_cast<uint32_t>(ReadBigEndian(frame, 4));
  const uint32_t headers_len = static_cast<uint32_t>(ReadBigEndian(frame.substr(4), 4));
  const uint32_t prelude_crc = static_cast<uint32_t>(ReadBigEndian(frame.substr(8), 4));
  if (Crc32(frame.substr(0, 8)) != prelude_crc) return Status::kMalformed;
  if (*total < kMinMessageBytes || headers_len > *total - kMinMessageBytes) {
    return Status::kMalformed;
  }
  if (*total > max_message_bytes_) return Status::kTooLarge;
  return Status::kOk;
}

EventStreamDecoder::Status EventStreamDecoder::Decode(absl::string_view frame,
                                                      MessageCallback on_message) {
  const size_t total = frame.size();
  const uint32_t message_crc =
      static_cast<uint32_t>(ReadBigEndian(frame.substr(total - kCrcBytes), 4));
  if (Crc32(frame.substr(0, total - kCrcBytes)) != message_crc) return Status::kMalformed;
  const size_t headers_len = ReadBigEndian(frame.substr(4), 4);
  if (!ParseHeaders(frame.substr(kPreludeBytes, headers_len), &headers_)) {
    return Status::kMalformed;
  }
  EventStreamMessage message;
  message.headers = headers_;
  message.payload =
      frame.substr(kPreludeBytes + headers_len, total - kPreludeBytes - headers_len - kCrcBytes);
  ++messages_;
  on_message(message);
  return Status::kOk;
}

EventStreamDecoder::Status EventStreamDecoder::Feed(absl::string_view bytes,
                                                    MessageCallback on_message) {
  while (status_ == Status::kOk && !bytes.empty()) {
    if (pending_.empty()) {
      // Whole messages are decoded where they lie; only a message cut by the read is kept.
      if (bytes.size() >= kPreludeBytes) {
        uint32_t total = 0;
        status_ = CheckPrelude(bytes, &total);
        if (status_ != Status::kOk) break;
        if (bytes.size() >= total) {
          status_ = Decode(bytes.substr(0, total), on_message);
          bytes.remove_prefix(total);
          continue;
        }
        pending_total_ = total;
      }
      pending_.append(bytes.data(), bytes.size());
      break;
    }
    // Complete the prelude first, then the message it announces.
    const size_t want = pending_total_ == 0 ? kPreludeBytes : pending_total_;
    const size_t take = std::min(want - pending_.size(), bytes.size());
    pending_.append(bytes.data(), take);
    bytes.remove_prefix(take);
    if (pending_total_ == 0 && pending_.size() == kPreludeBytes) {
      status_ = CheckPrelude(pending_, &pending_total_);
      if (status_ != Status::kOk) break;
    }
    if (pending_total_ != 0 && pending_.size() == pending_total_) {
      status_ = Decode(pending_, on_message);
      pending_.clear();
      pending_total_ = 0;
    }
  }
  return status_;
}

EventStreamDecoder::End EventStreamDecoder::Finish() const {
  if (status_ != Status::kOk) return End::kError;
  return pending_.empty() ? End::kClean : End::kPartialMessage;
}

void EventStreamDecoder::Reset() {
  pending_.clear();
  if (pending_.capacity() > kKeepBufferBytes) pending_ = std::string();
  pending_total_ = 0;
  status_ = Status::kOk;
  messages_ = 0;
}

void AppendEventStreamStringHeader(absl::string_view name, absl::string_view value,
                                   std::string* headers) {
  headers->push_back(static_cast<char>(name.size()));
  headers->append(name.data(), name.size());
  headers->push_back(static_cast<char>(EventStreamHeaderType::kString));
  AppendBigEndian(value.size(), 2, headers);
  headers->append(value.data(), value.size());
}

void AppendEventStreamMessage(absl::string_view headers, absl::string_view payload,
                              std::string* out) {
  const size_t start = out->size();
  const uint64_t total = kPreludeBytes + headers.size() + payload.size() + kCrcBytes;
  AppendBigEndian(total, 4, out);
  AppendBigEndian(headers.size(), 4, out);
  AppendBigEndian(Crc32(absl::string_view(*out).substr(start, 8)), 4, out);
  out->append(headers.data(), headers.size());
  out->append(payload.data(), payload.size());
  AppendBigEndian(Crc32(absl::string_view(*out).substr(start)), 4, out);
}

}  // namespace llmload
