#pragma once

#include "executors/aws_clients.h"
#include "executors/handler_registry.h"

namespace wharf::executors {

// Registers the handlers of the app's app resources (docs/RESOURCES.md).
// `clients` must outlive the registry.
void RegisterAppHandlers(HandlerRegistry& registry, AwsClients& clients);

}  // namespace wharf::executors
