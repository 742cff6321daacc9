#include "common/aws/http_request.h"

#include <strings.h>
#include <algorithm>

#include "common/aws/uri_encoding.h"

namespace wharf::aws {
namespace {

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string HttpRequest::Url() const {
  std::string url = endpoint + (path.empty() ? "/" : path);
  if (!query.empty()) url += "?" + EncodeQuery(query);
  return url;
}

const std::string* HttpRequest::FindHeader(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (SameName(n, name)) return &v;
  }
  return nullptr;
}

void HttpRequest::RemoveHeader(std::string_view name) {
  headers.erase(std::remove_if(headers.begin(), headers.end(),
                               [&](const auto& h) { return SameName(h.first, name); }),
                headers.end());
}

}  // namespace wharf::aws
