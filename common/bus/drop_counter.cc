#include "common/bus/drop_counter.h"

#include "common/bus/bus_log.h"

namespace wharf::bus {

DropCounter::DropCounter(Counters& counters, std::string where)
    : counters_(counters), where_(std::move(where)) {}

void DropCounter::Count(DropReason reason, const Status& why) {
  Count(DropReasonName(reason), why.message());
}

void DropCounter::Count(std::string_view reason, const std::string& detail) {
  counters_.Increment("dropped_" + std::string(reason));
  if (warned_.find(reason) == warned_.end()) {
    warned_.emplace(reason);
    BusLog().warn("{}: dropped a message ({}): {}; further drops are counted in dropped_{}", where_,
                  reason, detail, reason);
  } else {
    BusLog().debug("{}: dropped a message ({}): {}", where_, reason, detail);
  }
}

}  // namespace wharf::bus
