#pragma once

// A fixture for unit tests of the Query/EC2 typed clients:
// FakeTransportClientTest with scripted XML answers and readers of the
// requests' form parameters.

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "tests/common/aws/fake_transport_client_fixture.h"

namespace wharf::aws::test {

// Decodes one application/x-www-form-urlencoded component.
inline std::string FormDecode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(in[i] == '+' ? ' ' : in[i]);
    }
  }
  return out;
}

// The parameters of a form body, in order.
inline QueryParams ParseForm(const std::string& body) {
  QueryParams params;
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    std::string_view pair(body.data() + start, end - start);
    size_t eq = pair.find('=');
    params.emplace_back(FormDecode(pair.substr(0, eq)),
                        eq == std::string_view::npos ? "" : FormDecode(pair.substr(eq + 1)));
    start = end + 1;
  }
  return params;
}

inline QueryParams Sorted(QueryParams params) {
  std::sort(params.begin(), params.end());
  return params;
}

class QueryClientTest : public FakeTransportClientTest {
 protected:
  // Queues the answer to the next request.
  void Respond(std::string body, int status = 200) {
    transport_.EnqueueResponse(status, std::move(body), {{"Content-Type", "text/xml"}});
  }

  // The form parameters of the `index`-th request sent.
  QueryParams Sent(size_t index = 0) const {
    auto requests = transport_.requests();
    if (index >= requests.size()) return {};
    return ParseForm(requests[index].body);
  }

  // The parameters of the `index`-th request but Action and Version.
  QueryParams SentArguments(size_t index = 0) const {
    QueryParams params = Sent(index);
    std::erase_if(params,
                  [](const auto& p) { return p.first == "Action" || p.first == "Version"; });
    return params;
  }

  std::string SentAction(size_t index = 0) const {
    for (const auto& [k, v] : Sent(index)) {
      if (k == "Action") return v;
    }
    return "";
  }
};

}  // namespace wharf::aws::test
