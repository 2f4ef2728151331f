#include "agent/curl_transport_result.h"

namespace llmload {

TransportResult TransportResultFromCurl(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return TransportResult::kOk;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportResult::kTimeout;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
      return TransportResult::kConnect;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return TransportResult::kReset;
    case CURLE_PARTIAL_FILE:
      return TransportResult::kClosedEarly;
    case CURLE_WRITE_ERROR:
    case CURLE_ABORTED_BY_CALLBACK:
      return TransportResult::kAborted;
    default:
      return TransportResult::kOther;
  }
}

}  // namespace llmload
