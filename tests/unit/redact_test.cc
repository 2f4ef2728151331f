#include "common/redact.h"

#include "gtest/gtest.h"

namespace llmload {
namespace {

TEST(RedactUrlTest, HidesThePasswordOfTheUserinfo) {
  EXPECT_EQ(RedactUrl("http://user:secret@127.0.0.1:8000/v1/chat/completions"),
            "http://user:***@127.0.0.1:8000/v1/chat/completions");
  EXPECT_EQ(RedactUrl("https://u:p@localhost"), "https://u:***@localhost");
  EXPECT_EQ(RedactUrl("http://:secret@localhost/v1"), "http://:***@localhost/v1");
  // A password holding '@' or ':' is hidden whole: the last '@' ends the userinfo.
  EXPECT_EQ(RedactUrl("http://u:se@c:ret@localhost:1/x?q=a@b"), "http://u:***@localhost:1/x?q=a@b");
  EXPECT_EQ(RedactUrl("http://u:p@[::1]:8000/v1"), "http://u:***@[::1]:8000/v1");
}

TEST(RedactUrlTest, LeavesEverythingElseAlone) {
  for (const char* text :
       {"http://localhost:8000/v1", "http://user@localhost/v1", "http://localhost/v1?token=a:b@c",
        "http://localhost/a:b@c", "not a url", "", "127.0.0.1:5557"}) {
    EXPECT_EQ(RedactUrl(text), text);
  }
}

}  // namespace
}  // namespace llmload
