// The byte-level alphabet of GPT-2 style BPE (Llama 3, Qwen, DeepSeek, GPT-OSS): each of the
// 256 byte values written as one printable code point, so that a vocabulary of byte strings
// can be stored as JSON text. llmload runs BPE on the bytes themselves, so it needs only the
// way back: a vocabulary entry in the alphabet to the bytes it stands for.
#ifndef LLMLOAD_TOKENIZER_BYTE_LEVEL_ALPHABET_H_
#define LLMLOAD_TOKENIZER_BYTE_LEVEL_ALPHABET_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace llmload::tokenizer {

// The bytes `mapped` (UTF-8 text in the alphabet) stands for; nullopt when it holds a code
// point outside the alphabet (an added token's text such as "<|begin_of_text|>" is not
// byte-level; "Ġworld" is " world").
std::optional<std::string> ByteLevelToBytes(absl::string_view mapped);

}  // namespace llmload::tokenizer

#endif  // LLMLOAD_TOKENIZER_BYTE_LEVEL_ALPHABET_H_
