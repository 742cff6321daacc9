#include "common/model/struct_path.h"

namespace wharf::model {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

std::string Part(const std::string& path, size_t start, size_t dot) {
  return path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
}

}  // namespace

const Value* FindPath(const Struct& s, const std::string& path) {
  const Struct* at = &s;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    auto it = at->fields().find(Part(path, start, dot));
    if (it == at->fields().end()) return nullptr;
    if (dot == std::string::npos) return &it->second;
    if (it->second.kind_case() != Value::kStructValue) return nullptr;
    at = &it->second.struct_value();
    start = dot + 1;
  }
}

Value* MutablePath(Struct* s, const std::string& path) {
  Struct* at = s;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    Value& v = (*at->mutable_fields())[Part(path, start, dot)];
    if (dot == std::string::npos) return &v;
    at = v.mutable_struct_value();
    start = dot + 1;
  }
}

bool ErasePath(Struct* s, const std::string& path) {
  size_t dot = path.rfind('.');
  if (dot == std::string::npos) return s->mutable_fields()->erase(path) > 0;
  const Value* parent = FindPath(*s, path.substr(0, dot));
  if (parent == nullptr || parent->kind_case() != Value::kStructValue) return false;
  return MutablePath(s, path.substr(0, dot))
             ->mutable_struct_value()
             ->mutable_fields()
             ->erase(path.substr(dot + 1)) > 0;
}

}  // namespace wharf::model
