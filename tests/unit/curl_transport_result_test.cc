#include "agent/curl_transport_result.h"

#include "gtest/gtest.h"

namespace llmload {
namespace {

TEST(CurlTransportResultTest, MapsCurlCodes) {
  EXPECT_EQ(TransportResultFromCurl(CURLE_OK), TransportResult::kOk);
  EXPECT_EQ(TransportResultFromCurl(CURLE_OPERATION_TIMEDOUT), TransportResult::kTimeout);
  EXPECT_EQ(TransportResultFromCurl(CURLE_COULDNT_CONNECT), TransportResult::kConnect);
  EXPECT_EQ(TransportResultFromCurl(CURLE_COULDNT_RESOLVE_HOST), TransportResult::kConnect);
  EXPECT_EQ(TransportResultFromCurl(CURLE_RECV_ERROR), TransportResult::kReset);
  EXPECT_EQ(TransportResultFromCurl(CURLE_PARTIAL_FILE), TransportResult::kClosedEarly);
  EXPECT_EQ(TransportResultFromCurl(CURLE_GOT_NOTHING), TransportResult::kReset);
  EXPECT_EQ(TransportResultFromCurl(CURLE_WRITE_ERROR), TransportResult::kAborted);
  EXPECT_EQ(TransportResultFromCurl(CURLE_URL_MALFORMAT), TransportResult::kOther);
}

}  // namespace
}  // namespace llmload
