#include "common/spec/yaml_to_proto.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

namespace wharf::spec {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using nlohmann::json;

// Bounds the work one document can cause (aliases can make a small file a
// large tree).
constexpr size_t kMaxNodes = 200'000;
// Longest scalar echoed back in an error message.
constexpr size_t kMaxEcho = 40;

SourceMark ToSourceMark(const YAML::Mark& mark) {
  if (mark.is_null()) {
    return {};
  }
  return {mark.line + 1, mark.column + 1};
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string Echo(const std::string& scalar) {
  if (scalar.size() <= kMaxEcho) {
    return "'" + scalar + "'";
  }
  return "'" + scalar.substr(0, kMaxEcho) + "...'";
}

// "a list", "a map", "nothing" or, when `may_echo`, the scalar itself.
std::string Describe(const YAML::Node& node, bool may_echo) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Scalar:
      return may_echo ? Echo(node.Scalar()) : "a scalar";
    default:
      return "nothing";
  }
}

// The enum values a user may write: all but the proto3 "_UNSPECIFIED" zero.
std::vector<const EnumValueDescriptor*> UserEnumValues(const EnumDescriptor* e) {
  std::vector<const EnumValueDescriptor*> values;
  for (int i = 0; i < e->value_count(); ++i) {
    const EnumValueDescriptor* v = e->value(i);
    const std::string& name = v->name();
    bool unspecified = v->number() == 0 && name.size() >= 12 &&
                       name.compare(name.size() - 12, 12, "_UNSPECIFIED") == 0;
    if (!unspecified) {
      values.push_back(v);
    }
  }
  return values;
}

std::string EnumChoices(const EnumDescriptor* e) {
  std::string out;
  for (const EnumValueDescriptor* v : UserEnumValues(e)) {
    if (!out.empty()) {
      out += ", ";
    }
    out += v->name();
  }
  return out;
}

// The closest of `candidates` to `word`, when close enough to be a likely typo.
std::optional<std::string> Suggest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  std::string lowered = Lower(word);
  size_t threshold = std::clamp<size_t>(lowered.size() / 3 + 1, 1, 3);
  std::optional<std::string> best;
  size_t best_distance = threshold + 1;
  for (const std::string& candidate : candidates) {
    size_t d = EditDistance(lowered, Lower(candidate));
    if (d < best_distance && d < lowered.size()) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

class Walker {
 public:
  explicit Walker(YamlToProtoResult& result) : result_(result) {}

  // Converts the map `node` holding the fields of `descriptor`.
  json Message(const YAML::Node& node, const Descriptor* descriptor, const std::string& path) {
    json out = json::object();
    std::set<int> seen;
    for (const auto& entry : node) {
      if (!Count()) {
        return out;
      }
      const YAML::Node key = entry.first;
      const YAML::Node value = entry.second;
      if (!key.IsScalar()) {
        Error(path, key.Mark(), "field names must be plain words, got " + Describe(key, false));
        continue;
      }
      const std::string& name = key.Scalar();
      const FieldDescriptor* field = FindField(descriptor, name);
      std::string field_path = Join(path, field ? field->name() : name);
      if (field == nullptr) {
        Error(field_path, key.Mark(), UnknownFieldMessage(descriptor, name));
        continue;
      }
      if (!seen.insert(field->number()).second) {
        Error(field_path, key.Mark(), "'" + field->name() + "' is given more than once");
        continue;
      }
      result_.marks[field_path] = ToSourceMark(key.Mark());
      if (std::optional<json> converted = Field(field, value, field_path)) {
        out[field->json_name()] = std::move(*converted);
      }
    }
    return out;
  }

 private:
  static std::string Join(const std::string& path, const std::string& name) {
    return path.empty() ? name : path + "." + name;
  }

  static const FieldDescriptor* FindField(const Descriptor* descriptor, const std::string& name) {
    if (const FieldDescriptor* f = descriptor->FindFieldByName(name)) {
      return f;
    }
    for (int i = 0; i < descriptor->field_count(); ++i) {
      if (descriptor->field(i)->json_name() == name) {
        return descriptor->field(i);
      }
    }
    return nullptr;
  }

  static std::string UnknownFieldMessage(const Descriptor* descriptor, const std::string& name) {
    std::string message = "unknown field '" + name + "'";
    // A field written one level too high ("port" instead of "container.port").
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const FieldDescriptor* f = descriptor->field(i);
      if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || f->is_map() || f->is_repeated()) {
        continue;
      }
      if (const FieldDescriptor* nested = FindField(f->message_type(), name)) {
        return message + "; did you mean '" + f->name() + "." + nested->name() + "'?";
      }
    }
    std::vector<std::string> names;
    names.reserve(descriptor->field_count());
    for (int i = 0; i < descriptor->field_count(); ++i) {
      names.push_back(descriptor->field(i)->name());
    }
    if (std::optional<std::string> suggestion = Suggest(name, names)) {
      return message + "; did you mean '" + *suggestion + "'?";
    }
    std::string all;
    for (const std::string& n : names) {
      all += (all.empty() ? "" : ", ") + n;
    }
    return message + "; known fields: " + all;
  }

  std::optional<json> Field(const FieldDescriptor* field, const YAML::Node& value,
                            const std::string& path) {
    if (value.IsNull()) {
      // "load_balancer:" with nothing under it still says "present".
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !field->is_repeated()) {
        return json::object();
      }
      return std::nullopt;
    }
    if (field->is_map()) {
      return Map(field, value, path);
    }
    if (field->is_repeated()) {
      if (!value.IsSequence()) {
        Error(path, value.Mark(), "expected a list, got " + Describe(value, false));
        return std::nullopt;
      }
      json out = json::array();
      for (size_t i = 0; i < value.size(); ++i) {
        if (!Count()) {
          return std::nullopt;
        }
        const YAML::Node element = value[i];
        std::string element_path = path + "[" + std::to_string(i) + "]";
        if (element.IsNull()) {
          // yaml-cpp marks a null at the next token; point at the list instead.
          Error(element_path, value.Mark(), "empty list item");
          continue;
        }
        result_.marks[element_path] = ToSourceMark(element.Mark());
        if (std::optional<json> converted = Singular(field, element, element_path, true)) {
          out.push_back(std::move(*converted));
        }
      }
      return out;
    }
    return Singular(field, value, path, true);
  }

  std::optional<json> Map(const FieldDescriptor* field, const YAML::Node& value,
                          const std::string& path) {
    if (!value.IsMap()) {
      Error(path, value.Mark(), "expected a map of names to values, got " + Describe(value, false));
      return std::nullopt;
    }
    const FieldDescriptor* key_field = field->message_type()->map_key();
    const FieldDescriptor* value_field = field->message_type()->map_value();
    json out = json::object();
    std::set<std::string> seen;
    for (const auto& item : value) {
      if (!Count()) {
        return std::nullopt;
      }
      const YAML::Node key = item.first;
      if (!key.IsScalar()) {
        Error(path, key.Mark(), "keys must be plain words, got " + Describe(key, false));
        continue;
      }
      const std::string& name = key.Scalar();
      std::string entry_path = Join(path, name);
      if (!seen.insert(name).second) {
        Error(entry_path, key.Mark(), "key '" + name + "' is given more than once");
        continue;
      }
      result_.marks[entry_path] = ToSourceMark(key.Mark());
      if (key_field->cpp_type() != FieldDescriptor::CPPTYPE_STRING &&
          key_field->cpp_type() != FieldDescriptor::CPPTYPE_BOOL &&
          !Singular(key_field, key, entry_path, true)) {
        continue;  // a non-numeric key of a map<int, ...>; reported
      }
      const YAML::Node entry = item.second;
      if (entry.IsNull()) {
        if (value_field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
          out[name] = "";  // "KEY:" means an empty value
        } else if (value_field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          out[name] = json::object();
        } else {
          Error(entry_path, key.Mark(), "has no value; expected " + Expected(value_field));
        }
        continue;
      }
      // Map values are never echoed: they may be environment values.
      if (std::optional<json> converted = Singular(value_field, entry, entry_path, false)) {
        out[name] = std::move(*converted);
      }
    }
    return out;
  }

  // One non-repeated value of `field`'s type. `may_echo`: errors may quote it.
  std::optional<json> Singular(const FieldDescriptor* field, const YAML::Node& node,
                               const std::string& path, bool may_echo) {
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (node.IsNull()) {
        return json::object();
      }
      if (!node.IsMap()) {
        Error(path, node.Mark(),
              "expected a map of " + field->message_type()->name() + " fields, got " +
                  Describe(node, false));
        return std::nullopt;
      }
      return Message(node, field->message_type(), path);
    }
    if (!node.IsScalar()) {
      Error(path, node.Mark(), "expected " + Expected(field) + ", got " + Describe(node, false));
      return std::nullopt;
    }
    const std::string& text = node.Scalar();
    auto wrong = [&](const std::string& why) {
      Error(path, node.Mark(), why);
      return std::nullopt;
    };
    std::string shown = may_echo ? Echo(text) : "the value";
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        return json(text);
      case FieldDescriptor::CPPTYPE_BOOL: {
        std::string lowered = Lower(text);
        if (lowered == "true" || lowered == "yes" || lowered == "on") {
          return json(true);
        }
        if (lowered == "false" || lowered == "no" || lowered == "off") {
          return json(false);
        }
        return wrong("expected true or false, got " + shown);
      }
      case FieldDescriptor::CPPTYPE_INT32:
        return Integer<int32_t>(text, "int32", shown, path, node);
      case FieldDescriptor::CPPTYPE_INT64:
        return Integer<int64_t>(text, "int64", shown, path, node);
      case FieldDescriptor::CPPTYPE_UINT32:
        return Integer<uint32_t>(text, "uint32", shown, path, node);
      case FieldDescriptor::CPPTYPE_UINT64:
        return Integer<uint64_t>(text, "uint64", shown, path, node);
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT: {
        double parsed = 0;
        std::string_view digits = text;
        if (!digits.empty() && digits.front() == '+') {
          digits.remove_prefix(1);
        }
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), parsed);
        if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() ||
            !std::isfinite(parsed)) {
          return wrong("expected a number, got " + shown);
        }
        if (field->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT &&
            std::fabs(parsed) > std::numeric_limits<float>::max()) {
          return wrong(shown + " is out of range for a float");
        }
        return json(parsed);
      }
      case FieldDescriptor::CPPTYPE_ENUM:
        return Enum(field->enum_type(), text, shown, path, node);
      case FieldDescriptor::CPPTYPE_MESSAGE:
        break;
    }
    return std::nullopt;
  }

  static std::string Expected(const FieldDescriptor* field) {
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        return "a string";
      case FieldDescriptor::CPPTYPE_BOOL:
        return "true or false";
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT:
        return "a number";
      case FieldDescriptor::CPPTYPE_ENUM:
        return "one of " + EnumChoices(field->enum_type());
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return "a map";
      default:
        return "an integer";
    }
  }

  template <typename Int>
  std::optional<json> Integer(const std::string& text, const char* type_name,
                              const std::string& shown, const std::string& path,
                              const YAML::Node& node) {
    std::string_view digits = text;
    if (!digits.empty() && digits.front() == '+') {
      digits.remove_prefix(1);
    }
    // Parse wide first so "out of range" and "not a number" are told apart.
    using Wide = std::conditional_t<std::is_signed_v<Int>, int64_t, uint64_t>;
    Wide wide = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), wide);
    bool all_digits = !digits.empty() && end == digits.data() + digits.size();
    std::string range = std::string(type_name) + " (" +
                        std::to_string(std::numeric_limits<Int>::min()) + " to " +
                        std::to_string(std::numeric_limits<Int>::max()) + ")";
    if (ec == std::errc::result_out_of_range ||
        (ec == std::errc() && all_digits &&
         (wide < static_cast<Wide>(std::numeric_limits<Int>::min()) ||
          wide > static_cast<Wide>(std::numeric_limits<Int>::max())))) {
      Error(path, node.Mark(), shown + " is out of range for " + range);
      return std::nullopt;
    }
    if (ec != std::errc() || !all_digits) {
      if (std::is_unsigned_v<Int> && !digits.empty() && digits.front() == '-') {
        Error(path, node.Mark(), shown + " is out of range for " + range);
      } else {
        Error(path, node.Mark(), "expected an integer, got " + shown);
      }
      return std::nullopt;
    }
    // 64-bit values go as JSON strings so they keep every digit.
    if constexpr (sizeof(Int) == 8) {
      return json(std::to_string(wide));
    }
    return json(wide);
  }

  std::optional<json> Enum(const EnumDescriptor* e, const std::string& text,
                           const std::string& shown, const std::string& path,
                           const YAML::Node& node) {
    std::string normalized;
    for (char c : text) {
      normalized += (c == '-' || c == ' ')
                        ? '_'
                        : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (const EnumValueDescriptor* v = e->FindValueByName(normalized)) {
      return json(v->name());
    }
    std::string message = "expected one of " + EnumChoices(e) + ", got " + shown;
    std::vector<std::string> names;
    for (const EnumValueDescriptor* v : UserEnumValues(e)) {
      names.push_back(v->name());
    }
    if (std::optional<std::string> suggestion = Suggest(normalized, names)) {
      message += "; did you mean '" + *suggestion + "'?";
    }
    Error(path, node.Mark(), message);
    return std::nullopt;
  }

  void Error(const std::string& path, const YAML::Mark& mark, const std::string& message) {
    v1::SpecError& error = result_.errors.emplace_back();
    SourceMark at = ToSourceMark(mark);
    error.set_field(path);
    error.set_line(at.line);
    error.set_column(at.column);
    error.set_message(message);
  }

  // False (once, with an error) when the document is too large to walk.
  bool Count() {
    if (++nodes_ <= kMaxNodes) {
      return true;
    }
    if (nodes_ == kMaxNodes + 1) {
      Error("", YAML::Mark::null_mark(),
            "the document has more than " + std::to_string(kMaxNodes) + " values");
    }
    return false;
  }

  YamlToProtoResult& result_;
  size_t nodes_ = 0;
};

// Offset of the first byte of `text` that is not part of well-formed UTF-8.
std::optional<size_t> FirstInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto byte = [&](size_t at) { return static_cast<unsigned char>(text[at]); };
    unsigned char c = byte(i);
    size_t length = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xe  ? 3
                    : (c >> 3) == 0x1e ? 4
                                       : 0;
    if (length == 0 || i + length > text.size()) {
      return i;
    }
    uint32_t code = length == 1 ? c : c & (0x7f >> length);
    for (size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xc0) != 0x80) {
        return i;
      }
      code = (code << 6) | (byte(i + k) & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF.
    static constexpr uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kMinimum[length] || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) {
      return i;
    }
    i += length;
  }
  return std::nullopt;
}

SourceMark MarkOfOffset(std::string_view text, size_t offset) {
  SourceMark mark{1, 1};
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++mark.line;
      mark.column = 1;
    } else {
      ++mark.column;
    }
  }
  return mark;
}

}  // namespace

size_t EditDistance(std::string_view a, std::string_view b) {
  // Optimal string alignment: insertions, deletions, substitutions and
  // transpositions of adjacent characters each cost 1.
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) {
    d[i][0] = i;
  }
  for (size_t j = 0; j <= b.size(); ++j) {
    d[0][j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

YamlToProtoResult YamlToProto(std::string_view yaml, google::protobuf::Message& message) {
  YamlToProtoResult result;
  message.Clear();
  if (std::optional<size_t> bad = FirstInvalidUtf8(yaml)) {
    v1::SpecError& error = result.errors.emplace_back();
    SourceMark at = MarkOfOffset(yaml, *bad);
    error.set_line(at.line);
    error.set_column(at.column);
    error.set_message("the file is not valid UTF-8; save it as UTF-8");
    return result;
  }
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(yaml));
  } catch (const YAML::Exception& e) {
    v1::SpecError& error = result.errors.emplace_back();
    SourceMark at = ToSourceMark(e.mark);
    error.set_line(at.line);
    error.set_column(at.column);
    error.set_message("invalid YAML: " + e.msg);
    return result;
  }
  if (documents.size() > 1) {
    v1::SpecError& error = result.errors.emplace_back();
    SourceMark at = ToSourceMark(documents[1].Mark());
    error.set_line(at.line);
    error.set_column(at.column);
    error.set_message("expected one YAML document, found " + std::to_string(documents.size()));
    return result;
  }
  if (documents.empty() || documents[0].IsNull()) {
    return result;
  }
  const YAML::Node& root = documents[0];
  if (!root.IsMap()) {
    v1::SpecError& error = result.errors.emplace_back();
    SourceMark at = ToSourceMark(root.Mark());
    error.set_line(at.line);
    error.set_column(at.column);
    error.set_message("expected a map of " + message.GetDescriptor()->name() + " fields, got " +
                      Describe(root, false));
    return result;
  }

  json converted;
  try {
    converted = Walker(result).Message(root, message.GetDescriptor(), "");
  } catch (const YAML::Exception& e) {
    // yaml-cpp throws on some malformed trees while iterating.
    v1::SpecError& error = result.errors.emplace_back();
    SourceMark at = ToSourceMark(e.mark);
    error.set_line(at.line);
    error.set_column(at.column);
    error.set_message("invalid YAML: " + e.msg);
    return result;
  }
  if (!result.errors.empty()) {
    return result;
  }

  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  std::string json_text;
  try {
    json_text = converted.dump();
  } catch (const json::exception& e) {
    // Not expected: the text was checked to be UTF-8 above.
    result.errors.emplace_back().set_message(std::string("could not convert the document: ") +
                                             e.what());
    return result;
  }
  auto status = google::protobuf::util::JsonStringToMessage(json_text, &message, options);
  if (!status.ok()) {
    // Not expected after the walk above; reported rather than trusted.
    v1::SpecError& error = result.errors.emplace_back();
    error.set_message("could not convert the document: " + std::string(status.message()));
  }
  return result;
}

}  // namespace wharf::spec
