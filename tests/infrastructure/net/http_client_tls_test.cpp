#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "fakes/event_loop.h"
#include "infrastructure/net/http_client.h"

namespace agentd::net {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;

// A TLS server answering every request with one fixed body, one connection at a time.
class TinyTlsServer {
 public:
  TinyTlsServer(const std::string& certificate, const std::string& key)
      : tls_(ssl::context::tls_server), acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    tls_.use_certificate_chain_file(certificate);
    tls_.use_private_key_file(key, ssl::context::pem);
    asio::co_spawn(io_, serve(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TinyTlsServer() {
    io_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  asio::awaitable<void> serve() {
    const auto token = asio::as_tuple(asio::use_awaitable);
    for (;;) {
      auto [accept_ec, socket] = co_await acceptor_.async_accept(token);
      if (accept_ec) co_return;
      ssl::stream<tcp::socket> stream(std::move(socket), tls_);
      auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::server, token);
      if (handshake_ec) continue;
      boost::beast::flat_buffer buffer;
      bhttp::request<bhttp::string_body> request;
      auto [read_ec, read] = co_await bhttp::async_read(stream, buffer, request, token);
      if (read_ec) continue;
      bhttp::response<bhttp::string_body> response{bhttp::status::ok, 11};
      response.body() = "hello over tls";
      response.keep_alive(false);
      response.prepare_payload();
      co_await bhttp::async_write(stream, response, token);
    }
  }

  asio::io_context io_;
  ssl::context tls_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

class HttpClientTlsTest : public ::testing::Test {
 protected:
  // One self-signed certificate for "localhost" (and no other name) for the whole suite.
  static void SetUpTestSuite() {
    directory_ =
        std::filesystem::temp_directory_path() / ("agentd-tls-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(directory_);
    const auto command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-subj /CN=localhost -addext subjectAltName=DNS:localhost -keyout " +
        (directory_ / "key.pem").string() + " -out " + (directory_ / "cert.pem").string() +
        " >/dev/null 2>&1";
    has_certificate_ = std::system(command.c_str()) == 0;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(directory_); }

  void SetUp() override {
    if (!has_certificate_) GTEST_SKIP() << "the openssl command could not make a certificate";
    server_ = std::make_unique<TinyTlsServer>(certificate(), (directory_ / "key.pem").string());
  }

  static std::string certificate() { return (directory_ / "cert.pem").string(); }
  std::string url(const std::string& host) const {
    return "https://" + host + ":" + std::to_string(server_->port()) + "/";
  }

  static inline std::filesystem::path directory_;
  static inline bool has_certificate_ = false;
  EventLoop loop_;
  std::unique_ptr<TinyTlsServer> server_;
};

TEST_F(HttpClientTlsTest, CertificateNotSignedByATrustedCaIsRefused) {
  HttpClient client;
  auto response = loop_.run(client.request({"GET", url("localhost"), {}, {}}));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorCode::bad_gateway);
  EXPECT_EQ(response.error().code, "upstream_unreachable");
  EXPECT_NE(response.error().message.find("certificate verify failed"), std::string::npos)
      << response.error().message;
}

TEST_F(HttpClientTlsTest, CertificateFromAnExtraTrustedCaIsAccepted) {
  HttpClient client({.extra_ca_file = certificate()});
  auto response = loop_.run(client.request({"GET", url("localhost"), {}, {}}));
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello over tls");
}

TEST_F(HttpClientTlsTest, TrustedCertificateForAnotherHostNameIsRefused) {
  HttpClient client({.extra_ca_file = certificate()});
  auto response = loop_.run(client.request({"GET", url("127.0.0.1"), {}, {}}));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "upstream_unreachable");
}

}  // namespace
}  // namespace agentd::net
