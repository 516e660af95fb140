// libcurl is bound on the first HTTP request, not at process start (curl_library.h): a process
// that never speaks HTTP never maps its dependency tree. This binary links the store stage the
// way the program does, so a link against libcurl would map it before main.
#include "store/curl_library.h"

#include <gtest/gtest.h>

#include "store/http_client.h"
#include "store/testing/fake_http_server.h"

namespace binlake::s3 {
namespace {

using binlake::testing::FakeHttpServer;

TEST(CurlLibraryTest, LoadedByTheFirstRequestNotBefore) {
  HttpClient client(HttpOptions{});
  EXPECT_FALSE(CurlLibraryMapped()) << "libcurl is mapped before any request";

  Result<std::unique_ptr<FakeHttpServer>> server =
      FakeHttpServer::Start([](const FakeHttpServer::Request&) {
        FakeHttpServer::Response r;
        r.status = 200;
        r.body = "hello";
        return r;
      });
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  HttpRequest request;
  request.method = "GET";
  request.url = (*server)->endpoint() + "/x";
  Result<HttpResponse> response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello");
  EXPECT_TRUE(CurlLibraryMapped());

  // Bound once: the same table every time.
  Result<const CurlFunctions*> a = CurlLibrary();
  Result<const CurlFunctions*> b = CurlLibrary();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
}

}  // namespace
}  // namespace binlake::s3
