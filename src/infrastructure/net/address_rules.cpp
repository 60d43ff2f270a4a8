#include "infrastructure/net/address_rules.h"

#include <algorithm>
#include <cstdint>

namespace agentd::net {
namespace {

namespace ip = boost::asio::ip;

struct V4Range {
  std::uint32_t network;
  int prefix;
};

constexpr std::uint32_t v4(unsigned a, unsigned b, unsigned c, unsigned d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

// IANA special-purpose IPv4 blocks a fetch must never reach.
constexpr V4Range kNonPublicV4[] = {
    {v4(0, 0, 0, 0), 8},       // "this network", includes the unspecified address
    {v4(10, 0, 0, 0), 8},      // private
    {v4(100, 64, 0, 0), 10},   // shared address space (carrier-grade NAT)
    {v4(127, 0, 0, 0), 8},     // loopback
    {v4(169, 254, 0, 0), 16},  // link-local, cloud metadata services live here
    {v4(172, 16, 0, 0), 12},   // private
    {v4(192, 0, 0, 0), 24},    // IETF protocol assignments
    {v4(192, 168, 0, 0), 16},  // private
    {v4(198, 18, 0, 0), 15},   // benchmarking
    {v4(224, 0, 0, 0), 4},     // multicast
    {v4(240, 0, 0, 0), 4},     // reserved, includes broadcast
};

bool in_range(std::uint32_t address, V4Range range) {
  const std::uint32_t mask = range.prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - range.prefix);
  return (address & mask) == (range.network & mask);
}

bool is_public_v4(const ip::address_v4& address) {
  const auto value = address.to_uint();
  for (const auto& range : kNonPublicV4) {
    if (in_range(value, range)) return false;
  }
  return true;
}

// Unwraps ::ffff:a.b.c.d, so a mapped address cannot dodge the IPv4 rules.
ip::address unmapped(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  }
  return address;
}

}  // namespace

bool is_public_address(const ip::address& address) {
  const auto plain = unmapped(address);
  if (plain.is_v4()) return is_public_v4(plain.to_v4());
  const auto v6 = plain.to_v6();
  if (v6.is_unspecified() || v6.is_loopback() || v6.is_link_local() || v6.is_site_local() ||
      v6.is_multicast()) {
    return false;
  }
  const auto bytes = v6.to_bytes();
  if ((bytes[0] & 0xfe) == 0xfc) return false;  // unique-local fc00::/7
  // IPv4-compatible (::a.b.c.d, deprecated) and NAT64 (64:ff9b::/96) embed an IPv4 address.
  const bool is_v4_compatible =
      std::all_of(bytes.begin(), bytes.begin() + 12, [](auto b) { return b == 0; });
  const bool is_nat64 =
      bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b &&
      std::all_of(bytes.begin() + 4, bytes.begin() + 12, [](auto b) { return b == 0; });
  if (is_v4_compatible || is_nat64) {
    return is_public_v4(ip::address_v4({bytes[12], bytes[13], bytes[14], bytes[15]}));
  }
  return true;
}

bool is_loopback_address(const ip::address& address) { return unmapped(address).is_loopback(); }

AddressPolicy public_addresses_only(bool allows_loopback) {
  return [allows_loopback](const ip::address& address) -> Status {
    if (is_public_address(address)) return ok_status();
    if (allows_loopback && is_loopback_address(address)) return ok_status();
    return Error{ErrorCode::forbidden,
                 "the host resolves to " + address.to_string() + ", which is not a public address",
                 {},
                 "address_not_allowed"};
  };
}

}  // namespace agentd::net
