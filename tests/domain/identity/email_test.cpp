#include "domain/identity/email.h"

#include <gtest/gtest.h>

#include <string>

namespace agentd {
namespace {

TEST(Email, TrimsAndLowerCases) {
  auto email = Email::parse("  Alice.Smith@Example.COM \t");
  ASSERT_TRUE(email);
  EXPECT_EQ(email->value(), "alice.smith@example.com");
}

TEST(Email, AcceptsPlusTagsAndSubdomains) {
  auto email = Email::parse("bob+agentd@mail.example.co.uk");
  ASSERT_TRUE(email);
  EXPECT_EQ(email->value(), "bob+agentd@mail.example.co.uk");
}

TEST(Email, RejectsInvalidFormsWithTheEmailParam) {
  for (const char* text :
       {"", "   ", "alice", "@example.com", "alice@", "alice@@example.com", "a@b@example.com",
        "alice@localhost", "alice@example..com", "alice@-example.com", "alice@example-.com",
        ".alice@example.com", "alice.@example.com", "al..ice@example.com", "al ice@example.com",
        "alice@exa mple.com", "alice@exam_ple.com", "<alice>@example.com"}) {
    auto email = Email::parse(text);
    ASSERT_FALSE(email) << text;
    EXPECT_EQ(email.error().kind, ErrorCode::invalid_request) << text;
    EXPECT_EQ(email.error().param, "email") << text;
    EXPECT_EQ(email.error().code, "invalid_email") << text;
  }
}

TEST(Email, RejectsOverlongParts) {
  const std::string long_local(65, 'a');
  EXPECT_FALSE(Email::parse(long_local + "@example.com"));
  EXPECT_TRUE(Email::parse(std::string(64, 'a') + "@example.com"));
  const std::string long_label(64, 'b');
  EXPECT_FALSE(Email::parse("a@" + long_label + ".com"));
  std::string long_domain;
  while (long_domain.size() < 250) long_domain += "abcdefghi.";
  EXPECT_FALSE(Email::parse("a@" + long_domain + "com"));
}

}  // namespace
}  // namespace agentd
