// Which IP addresses are on the public internet: the rule that keeps fetches of user-given URLs
// away from the server's own network (SSRF).
#pragma once

#include <boost/asio/ip/address.hpp>

#include "infrastructure/net/http_types.h"

namespace agentd::net {

// False for loopback, private (10/8, 172.16/12, 192.168/16), shared (100.64/10), link-local
// (169.254/16, fe80::/10), unique-local (fc00::/7), unspecified, multicast and reserved
// addresses; IPv4 addresses mapped into IPv6 are judged as IPv4.
bool is_public_address(const boost::asio::ip::address& address);

// 127/8 and ::1, also when mapped into IPv6.
bool is_loopback_address(const boost::asio::ip::address& address);

// The policy for fetches of user-given URLs: public addresses only (and loopback when
// `allows_loopback`), applied to every address DNS gives, so an allowed name cannot point
// inside. Refusals are forbidden "address_not_allowed".
AddressPolicy public_addresses_only(bool allows_loopback);

}  // namespace agentd::net
