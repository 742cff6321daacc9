#pragma once

#include "executors/aws_clients.h"
#include "executors/handler_registry.h"

namespace wharf::executors {

// Registers the handlers of the app's network resources (docs/RESOURCES.md).
// `clients` must outlive the registry.
void RegisterNetworkHandlers(HandlerRegistry& registry, AwsClients& clients);

}  // namespace wharf::executors
