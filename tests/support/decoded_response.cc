#include "support/decoded_response.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace llmload::testing {

DecodedResponse DecodeReads(ResponseDecoder& decoder, const std::vector<absl::string_view>& reads) {
  decoder.Reset();
  DecodedResponse out;
  for (absl::string_view read : reads) {
    const bool keep = decoder.Feed(read, [&](const ContentChunk& chunk) {
      out.chunks.emplace_back(chunk.text);
      out.tokens += chunk.tokens;
    });
    if (!keep) {
      out.refused = true;
      break;
    }
  }
  out.facts = decoder.Finish();
  return out;
}

DecodedResponse DecodeSplit(ResponseDecoder& decoder, absl::string_view body, size_t split) {
  return DecodeReads(decoder, {body.substr(0, split), body.substr(split)});
}

DecodedResponse DecodeBytewise(ResponseDecoder& decoder, absl::string_view body) {
  std::vector<absl::string_view> reads;
  for (size_t i = 0; i < body.size(); ++i) reads.push_back(body.substr(i, 1));
  return DecodeReads(decoder, reads);
}

std::string DecodedDifference(const DecodedResponse& a, const DecodedResponse& b) {
  std::string diff;
  auto differ = [&](absl::string_view what, auto x, auto y) {
    if (x != y) absl::StrAppend(&diff, what, ": ", x, " vs ", y, "; ");
  };
  if (a.chunks != b.chunks) {
    absl::StrAppend(&diff, "chunks: [", absl::StrJoin(a.chunks, "|"), "] vs [",
                    absl::StrJoin(b.chunks, "|"), "]; ");
  }
  differ("tokens", a.tokens, b.tokens);
  differ("refused", a.refused, b.refused);
  const ResponseFacts& f = a.facts;
  const ResponseFacts& g = b.facts;
  differ("framing", static_cast<int>(f.framing), static_cast<int>(g.framing));
  differ("complete", f.complete, g.complete);
  differ("api_error", f.api_error, g.api_error);
  differ("api_error_class", static_cast<int>(f.api_error_class),
         static_cast<int>(g.api_error_class));
  differ("malformed", f.malformed, g.malformed);
  differ("usage", f.usage.has_value(), g.usage.has_value());
  if (f.usage && g.usage) {
    differ("prompt_tokens", f.usage->prompt_tokens, g.usage->prompt_tokens);
    differ("completion_tokens", f.usage->completion_tokens, g.usage->completion_tokens);
  }
  differ("usage_invalid", f.usage_invalid, g.usage_invalid);
  differ("server.total_ns", f.server.total_ns, g.server.total_ns);
  differ("server.prompt_ns", f.server.prompt_ns, g.server.prompt_ns);
  differ("server.decode_ns", f.server.decode_ns, g.server.decode_ns);
  differ("server.queue_ns", f.server.queue_ns, g.server.queue_ns);
  differ("error_message", f.error_message, g.error_message);
  return diff;
}

RequestOutcome StreamOutcome(const ResponseFacts& facts) {
  RequestOutcome outcome;
  outcome.http_status = 200;
  outcome.streaming = true;
  outcome.facts = facts;
  return outcome;
}

}  // namespace llmload::testing
