#include "infrastructure/webhooks/standard_webhooks_signature.h"

#include <gtest/gtest.h>

namespace agentd::webhooks {
namespace {

// The example of the Standard Webhooks specification's reference libraries
// (github.com/standard-webhooks/standard-webhooks, libraries/*/ tests).
constexpr std::string_view kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view kMessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr std::int64_t kTimestamp = 1614265330;
constexpr std::string_view kBody = R"({"test": 2432232314})";

TEST(StandardWebhooksSignature, MatchesTheSpecificationsExample) {
  EXPECT_EQ(sign_standard_webhook(kSecret, kMessageId, kTimestamp, kBody),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(StandardWebhooksSignature, AcceptsTheSecretWithoutItsPrefix) {
  EXPECT_EQ(sign_standard_webhook(kSecret.substr(6), kMessageId, kTimestamp, kBody),
            sign_standard_webhook(kSecret, kMessageId, kTimestamp, kBody));
}

TEST(StandardWebhooksSignature, SignsEveryPartOfTheMessage) {
  const auto signature = sign_standard_webhook(kSecret, kMessageId, kTimestamp, kBody);
  EXPECT_NE(sign_standard_webhook(kSecret, "msg_other", kTimestamp, kBody), signature);
  EXPECT_NE(sign_standard_webhook(kSecret, kMessageId, kTimestamp + 1, kBody), signature);
  EXPECT_NE(sign_standard_webhook(kSecret, kMessageId, kTimestamp, R"({"test": 1})"), signature);
}

TEST(StandardWebhooksSignature, RefusesASecretThatIsNotBase64) {
  EXPECT_EQ(sign_standard_webhook("whsec_not base64!", kMessageId, kTimestamp, kBody),
            std::nullopt);
  EXPECT_EQ(sign_standard_webhook("whsec_", kMessageId, kTimestamp, kBody), std::nullopt);
}

}  // namespace
}  // namespace agentd::webhooks
