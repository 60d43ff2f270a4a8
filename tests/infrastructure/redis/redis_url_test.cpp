// The Redis URL agentd takes: redis://[user:password@]host:port[/db], nothing else.
#include <gtest/gtest.h>

#include "infrastructure/redis/redis_client.h"

namespace agentd::redis {
namespace {

TEST(RedisUrl, HostAndPortWithDefaults) {
  auto url = parse_redis_url("redis://cache.internal:6380");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->host, "cache.internal");
  EXPECT_EQ(url->port, 6380);
  EXPECT_EQ(url->db, 0);
  EXPECT_EQ(url->user, "");
  EXPECT_EQ(url->password, "");
}

TEST(RedisUrl, PortDefaultsTo6379) {
  auto url = parse_redis_url("redis://127.0.0.1");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 6379);
}

TEST(RedisUrl, UserPasswordAndDatabase) {
  auto url = parse_redis_url("redis://agentd:s3cret@redis:6379/2");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->user, "agentd");
  EXPECT_EQ(url->password, "s3cret");
  EXPECT_EQ(url->host, "redis");
  EXPECT_EQ(url->db, 2);
}

TEST(RedisUrl, PasswordAloneLeavesTheUserEmpty) {
  auto url = parse_redis_url("redis://:s3cret@redis:6379/");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->user, "");
  EXPECT_EQ(url->password, "s3cret");
  EXPECT_EQ(url->db, 0);
}

TEST(RedisUrl, CredentialsArePercentDecoded) {
  auto url = parse_redis_url("redis://us%40er:p%3Aa%2Fss%40%25@redis:6379");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->user, "us@er");
  EXPECT_EQ(url->password, "p:a/ss@%");
  EXPECT_EQ(url->host, "redis");
}

TEST(RedisUrl, Ipv6HostInBrackets) {
  auto url = parse_redis_url("redis://[::1]:7000/1");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 7000);
  EXPECT_EQ(url->db, 1);
}

TEST(RedisUrl, SchemeIsCaseInsensitive) {
  auto url = parse_redis_url("REDIS://redis:6379");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->host, "redis");
}

TEST(RedisUrl, TlsIsRefusedWithTheReason) {
  auto url = parse_redis_url("rediss://redis:6380");
  ASSERT_FALSE(url);
  EXPECT_EQ(url.error().kind, ErrorCode::invalid_request);
  EXPECT_EQ(url.error().param, "AGENTD_REDIS_URL");
  EXPECT_NE(url.error().message.find("hiredis 0.14 has no TLS"), std::string::npos)
      << url.error().message;
}

TEST(RedisUrl, MalformedUrlsAreInvalid) {
  for (const char* text :
       {"", "redis:/", "redis://", "http://redis:6379", "redis://:6379",
        "redis://redis:", "redis://redis:0", "redis://redis:65536", "redis://redis:port",
        "redis://redis:6379/x", "redis://redis:6379/-1", "redis://redis:6379/0?timeout=1",
        "redis://password@redis:6379", "redis://user:p%zzass@redis:6379",
        "redis://user:pass%4@redis:6379", "redis://[::1", "redis://[::1]x:6379"}) {
    auto url = parse_redis_url(text);
    EXPECT_FALSE(url) << text;
    if (!url) {
      EXPECT_EQ(url.error().kind, ErrorCode::invalid_request) << text;
      EXPECT_EQ(url.error().param, "AGENTD_REDIS_URL") << text;
    }
  }
}

TEST(RedisUrl, ErrorsNeverRepeatThePassword) {
  auto url = parse_redis_url("redis://user:hunter2@redis:notaport");
  ASSERT_FALSE(url);
  EXPECT_EQ(url.error().message.find("hunter2"), std::string::npos) << url.error().message;
}

}  // namespace
}  // namespace agentd::redis
