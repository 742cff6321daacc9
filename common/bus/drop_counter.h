#pragma once

#include <set>
#include <string>
#include <string_view>

#include "common/base/counters.h"
#include "common/base/status.h"
#include "common/bus/envelope_codec.h"

namespace wharf::bus {

// Counts and logs messages a bus component drops. Each drop increments
// "dropped_<reason>" in `counters`; the first drop of each reason is logged
// as a warning and later ones at debug level, so a peer sending garbage
// cannot flood the log. Owned and called by one thread.
class DropCounter {
 public:
  // `where` names the socket in log lines ("proxy xsub ipc:///run/wharf/pub").
  DropCounter(Counters& counters, std::string where);

  void Count(DropReason reason, const Status& why);
  // For drops the codec does not know about ("stale_result", ...).
  void Count(std::string_view reason, const std::string& detail);

 private:
  Counters& counters_;
  const std::string where_;
  std::set<std::string, std::less<>> warned_;  // reasons already logged as warnings
};

}  // namespace wharf::bus
