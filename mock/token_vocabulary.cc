#include "mock/token_vocabulary.h"

#include "mock/json_escape.h"

namespace llmload::mock {

namespace {

constexpr const char* kWords[] = {
    "the",        "model",       "token",     "stream", "latency", "of",      "a",        "and",
    "to",         "in",          "is",        "that",   "for",     "it",      "as",       "with",
    "server",     "request",     "load",      "test",   "fast",    "quick",   "brown",    "fox",
    "jumps",      "over",        "lazy",      "dog",    "data",    "compute", "GPU",      "batch",
    "cache",      "prefill",     "decode",    "kernel", "memory",  "through", "put",      "time",
    "first",      "inter",       "output",    "input",  "prompt",  "answer",  "question", "simple",
    "mock",       "endpoint",    "metric",    "value",  "result",  "number",  "42",       "3.14",
    "\"quoted\"", "back\\slash", "tab\there", "café",   "naïve",   "日本",    "emoji😀",   "end.",
};

}  // namespace

TokenVocabulary::TokenVocabulary() {
  for (const char* w : kWords) {
    text_.push_back(std::string(" ") + w);
    escaped_.emplace_back();
    AppendJsonEscaped(text_.back(), &escaped_.back());
  }
}

const TokenVocabulary& TokenVocabulary::Get() {
  static const TokenVocabulary vocabulary;
  return vocabulary;
}

size_t TokenVocabulary::size() const { return text_.size(); }
absl::string_view TokenVocabulary::text(size_t i) const { return text_[i]; }
absl::string_view TokenVocabulary::escaped(size_t i) const { return escaped_[i]; }

}  // namespace llmload::mock
