#include "api/bounded_body.h"

namespace llmload {
namespace {

// What a body starts with, so the usual answer never grows the buffer.
constexpr size_t kInitialBodyBytes = 64 << 10;
constexpr size_t kKeepBodyBytes = 1 << 20;

}  // namespace

BoundedBody::BoundedBody(int64_t max_bytes) : max_bytes_(max_bytes) {
  body_.reserve(kInitialBodyBytes);
}

bool BoundedBody::Append(absl::string_view bytes) {
  if (too_large_) return false;
  received_ += static_cast<int64_t>(bytes.size());
  if (received_ > max_bytes_) {
    too_large_ = true;
    std::string().swap(body_);  // the part kept so far is useless: give it back now
    return false;
  }
  body_.append(bytes.data(), bytes.size());
  return true;
}

void BoundedBody::Reset() {
  received_ = 0;
  too_large_ = false;
  body_.clear();
  if (body_.capacity() > kKeepBodyBytes || body_.capacity() == 0) {
    std::string().swap(body_);
    body_.reserve(kInitialBodyBytes);
  }
}

}  // namespace llmload
