#include "common/aws/endpoint_url.h"

#include <algorithm>
#include <charconv>

namespace wharf::aws {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

int DefaultPort(const std::string& scheme) { return scheme == "https" ? 443 : 80; }

}  // namespace

Result<EndpointUrl> EndpointUrl::Parse(std::string_view url) {
  EndpointUrl out;
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    return Status::InvalidArgument("endpoint '" + std::string(url) + "' has no scheme");
  }
  out.scheme = Lower(url.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https") {
    return Status::InvalidArgument("endpoint '" + std::string(url) + "' is not http(s)");
  }
  std::string_view rest = url.substr(sep + 3);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find_first_of("/?#@") != std::string_view::npos) {
    return Status::InvalidArgument("endpoint '" + std::string(url) +
                                   "' may only have a scheme, a host and a port");
  }
  std::string_view host = rest;
  std::string_view port;
  if (!rest.empty() && rest[0] == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("endpoint '" + std::string(url) + "' has a bad IPv6 host");
    }
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') {
        return Status::InvalidArgument("endpoint '" + std::string(url) + "' has a bad port");
      }
      port = after.substr(1);
    }
  } else if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) {
    return Status::InvalidArgument("endpoint '" + std::string(url) + "' has no host");
  }
  out.host = Lower(host);
  if (!port.empty() || (rest.size() > 0 && rest.back() == ':')) {
    int value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value <= 0 || value > 65535) {
      return Status::InvalidArgument("endpoint '" + std::string(url) + "' has a bad port");
    }
    out.port = value == DefaultPort(out.scheme) ? 0 : value;
  }
  return out;
}

std::string EndpointUrl::HostHeader() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != 0 && port != DefaultPort(scheme)) h += ":" + std::to_string(port);
  return h;
}

std::string EndpointUrl::ToString() const { return scheme + "://" + HostHeader(); }

}  // namespace wharf::aws
