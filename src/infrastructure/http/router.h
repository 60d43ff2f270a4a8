// Routes requests by method and path pattern ("/v1/conversations/{id}") to handlers.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "infrastructure/http/http_message.h"

namespace agentd::http {

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

class Router {
 public:
  void add(std::string method, std::string_view pattern, Handler handler);

  struct Match {
    enum class Kind { found, not_found, method_not_allowed } kind = Kind::not_found;
    const Handler* handler = nullptr;
    std::string allow;  // for method_not_allowed: "GET, POST"
  };

  // On Kind::found, fills request.path_params.
  Match match(Request& request) const;

  struct Entry {
    std::string method;
    std::string pattern;
  };
  // Every route, in the order added: what `agentd routes` prints and the API document
  // is checked against.
  std::vector<Entry> routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" marks a parameter
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace agentd::http
