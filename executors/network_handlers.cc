#include "executors/network_handlers.h"

namespace wharf::executors {

void RegisterNetworkHandlers(HandlerRegistry& registry, AwsClients& clients) {
  (void)registry;
  (void)clients;
}

}  // namespace wharf::executors
