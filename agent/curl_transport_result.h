// Maps what libcurl reports for a finished transfer onto the transport-neutral TransportResult
// that the outcome classifier (api/request_outcome.h) takes, so that api/ knows nothing of
// libcurl and another transport can report the same facts.
#ifndef LLMLOAD_AGENT_CURL_TRANSPORT_RESULT_H_
#define LLMLOAD_AGENT_CURL_TRANSPORT_RESULT_H_

#include <curl/curl.h>

#include "api/request_outcome.h"

namespace llmload {

// A connection closed with nothing sent (CURLE_GOT_NOTHING) is a reset. One closed before the
// end of a body (CURLE_PARTIAL_FILE) is kClosedEarly: for a 2xx stream that is a truncated
// stream (the server stopped generating and hung up: what users look for when a serving engine
// crashes mid-request); for anything else, a reset.
TransportResult TransportResultFromCurl(CURLcode code);

}  // namespace llmload

#endif  // LLMLOAD_AGENT_CURL_TRANSPORT_RESULT_H_
