#include "infrastructure/net/address_rules.h"

#include <gtest/gtest.h>

namespace agentd::net {
namespace {

bool is_public(const char* text) { return is_public_address(boost::asio::ip::make_address(text)); }

TEST(HttpAddressRules, PublicAddressesAreAllowed) {
  EXPECT_TRUE(is_public("93.184.216.34"));
  EXPECT_TRUE(is_public("8.8.8.8"));
  EXPECT_TRUE(is_public("2606:2800:220:1:248:1893:25c8:1946"));
}

TEST(HttpAddressRules, LoopbackPrivateLinkLocalAndSpecialIpv4AreRefused) {
  for (const char* address :
       {"127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
        "169.254.169.254", "0.0.0.0", "100.64.0.1", "224.0.0.1", "255.255.255.255"}) {
    EXPECT_FALSE(is_public(address)) << address;
  }
  EXPECT_TRUE(is_public("172.32.0.1"));  // just outside 172.16/12
}

TEST(HttpAddressRules, SpecialIpv6AddressesAreRefused) {
  for (const char* address : {"::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1"}) {
    EXPECT_FALSE(is_public(address)) << address;
  }
}

TEST(HttpAddressRules, Ipv4HiddenInIpv6IsJudgedAsIpv4) {
  EXPECT_FALSE(is_public("::ffff:127.0.0.1"));
  EXPECT_FALSE(is_public("::ffff:10.1.2.3"));
  EXPECT_FALSE(is_public("64:ff9b::a9fe:a9fe"));  // NAT64 of 169.254.169.254
  EXPECT_TRUE(is_public("::ffff:8.8.8.8"));
  EXPECT_TRUE(is_loopback_address(boost::asio::ip::make_address("::ffff:127.0.0.1")));
}

}  // namespace
}  // namespace agentd::net
