// Reading the fields of a tokenizer.json component (a normalizer, a pre-tokenizer, the model)
// with errors that say where in the file the problem is: "pre_tokenizer.pretokenizers[0]:
// field 'behavior' ...". Shared by the component loaders so they word their errors alike.
#ifndef LLMLOAD_TOKENIZER_JSON_FIELDS_H_
#define LLMLOAD_TOKENIZER_JSON_FIELDS_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "simdjson.h"

namespace llmload::tokenizer {

// simdjson's std::string_view as absl's (Debian's Abseil has its own string_view type).
inline absl::string_view AsView(std::string_view s) { return {s.data(), s.size()}; }

// The string field `key` of the object `component`, which must be there.
absl::StatusOr<std::string> StringField(simdjson::dom::element component, absl::string_view key,
                                        absl::string_view where);
// The boolean field `key`, or `absent` when it is missing or null.
absl::StatusOr<bool> BoolField(simdjson::dom::element component, absl::string_view key, bool absent,
                               absl::string_view where);
// The component's "type", or an error naming `where`.
absl::StatusOr<std::string> TypeField(simdjson::dom::element component, absl::string_view where);

// Calls visit(item, "<where>.<key>[i]") for each item of the list field `key`, stopping at
// the first error; an error naming the field when it is missing or not a list. For the
// Sequence components, whose steps are a list of components.
absl::Status ForEachListItem(
    simdjson::dom::element component, absl::string_view key, absl::string_view where,
    const std::function<absl::Status(simdjson::dom::element, const std::string&)>& visit);

// "<where>: <what> is not supported (llmload supports: <supported>)": for a component whose
// type or setting llmload does not implement; it is refused rather than guessed at.
absl::Status UnsupportedComponent(absl::string_view where, absl::string_view what,
                                  absl::string_view supported);

}  // namespace llmload::tokenizer

#endif  // LLMLOAD_TOKENIZER_JSON_FIELDS_H_
