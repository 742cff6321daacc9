#include "executors/app_handlers.h"

namespace wharf::executors {

void RegisterAppHandlers(HandlerRegistry& registry, AwsClients& clients) {
  (void)registry;
  (void)clients;
}

}  // namespace wharf::executors
