// BoundedBody: a non-streamed response body kept whole until it ends, at most
// --max-response-bytes of it. Every non-streamed decoder keeps its body in one, so the cap and
// the memory rules are written once: a body over the cap is given back at once, and a buffer
// that grew past 1 MiB is given back before the next request, so one large reply does not pin
// memory per virtual user for the whole run.
#ifndef LLMLOAD_API_BOUNDED_BODY_H_
#define LLMLOAD_API_BOUNDED_BODY_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace llmload {

class BoundedBody {
 public:
  explicit BoundedBody(int64_t max_bytes);

  // False once the body is over the cap (what was kept is dropped).
  [[nodiscard]] bool Append(absl::string_view bytes);
  void Reset();

  absl::string_view view() const { return body_; }
  bool too_large() const { return too_large_; }

 private:
  const int64_t max_bytes_;
  int64_t received_ = 0;
  bool too_large_ = false;
  std::string body_;
};

}  // namespace llmload

#endif  // LLMLOAD_API_BOUNDED_BODY_H_
