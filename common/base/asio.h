#pragma once

// The one header that pulls in Asio. Boost 1.74's Asio uses std::exchange in
// awaitable.hpp without including <utility>, which GCC 12 in C++20 mode
// rejects; including it first fixes that.
#include <utility>

#include <boost/asio.hpp>

namespace wharf {
namespace asio = boost::asio;
}  // namespace wharf
