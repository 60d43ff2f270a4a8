#include "domain/webhooks/webhook_delivery.h"

#include "domain/common/enum_names.h"

namespace agentd {
namespace {

constexpr EnumNames<DeliveryStatus, 3> kDeliveryStatusNames{{{
    {DeliveryStatus::pending, "pending"},
    {DeliveryStatus::delivered, "delivered"},
    {DeliveryStatus::failed, "failed"},
}}};

}  // namespace

std::string_view to_string(DeliveryStatus status) { return kDeliveryStatusNames.name(status); }

std::optional<DeliveryStatus> parse_delivery_status(std::string_view text) {
  return kDeliveryStatusNames.parse(text);
}

}  // namespace agentd
