// Wire shapes of webhooks and their delivery attempts. Written field by field: the sealed
// secret never reaches a client (the secret itself is added once, by the create handler).
#pragma once

#include <boost/json/object.hpp>

#include "domain/webhooks/webhook.h"
#include "domain/webhooks/webhook_delivery.h"

namespace agentd::http {

boost::json::object to_json(const Webhook& webhook);
boost::json::object to_json(const DeliveryAttempt& attempt);

}  // namespace agentd::http
