#pragma once

namespace wharf::test_support {

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0 and
// released), or -1. Another process may take it before the caller binds it:
// retry on "address in use".
int PickFreeTcpPort();

}  // namespace wharf::test_support
