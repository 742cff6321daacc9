#pragma once

#include <string>

#include <google/protobuf/struct.pb.h>

// Dotted paths into a google.protobuf.Struct ("health_check.path"), the way
// resource properties and inputs name their fields (docs/RESOURCES.md).
namespace wharf::model {

// The value at `path`, or nullptr when a part is missing or not a struct.
const google::protobuf::Value* FindPath(const google::protobuf::Struct& s, const std::string& path);
// The value at `path`, creating the structs on the way (a non-struct on the
// way is replaced by a struct).
google::protobuf::Value* MutablePath(google::protobuf::Struct* s, const std::string& path);
// Removes the value at `path`; true when something was removed.
bool ErasePath(google::protobuf::Struct* s, const std::string& path);

}  // namespace wharf::model
