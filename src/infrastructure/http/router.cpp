#include "infrastructure/http/router.h"

#include <algorithm>
#include <map>

namespace agentd::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    segments.push_back(path.substr(start, end - start));
    start = end;
  }
  return segments;
}

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::add(std::string method, std::string_view pattern, Handler handler) {
  Route route{std::move(method), std::string(pattern), {}, std::move(handler)};
  for (auto segment : split_path(pattern)) route.segments.emplace_back(segment);
  routes_.push_back(std::move(route));
}

std::vector<Router::Entry> Router::routes() const {
  std::vector<Entry> entries;
  entries.reserve(routes_.size());
  for (const auto& route : routes_) entries.push_back({route.method, route.pattern});
  return entries;
}

Router::Match Router::match(Request& request) const {
  const auto segments = split_path(request.path);
  std::vector<std::string_view> allowed;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string, std::less<>> params;
    bool matches = true;
    for (size_t i = 0; i < segments.size() && matches; ++i) {
      if (is_parameter(route.segments[i])) {
        params.emplace(route.segments[i].substr(1, route.segments[i].size() - 2),
                       std::string(segments[i]));
      } else {
        matches = route.segments[i] == segments[i];
      }
    }
    if (!matches) continue;
    if (route.method == request.method) {
      request.path_params = std::move(params);
      request.route = route.pattern;
      return {Match::Kind::found, &route.handler, {}};
    }
    allowed.push_back(route.method);
  }
  if (allowed.empty()) return {};
  std::sort(allowed.begin(), allowed.end());
  allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
  std::string allow;
  for (auto method : allowed) {
    if (!allow.empty()) allow += ", ";
    allow += method;
  }
  return {Match::Kind::method_not_allowed, nullptr, std::move(allow)};
}

}  // namespace agentd::http
