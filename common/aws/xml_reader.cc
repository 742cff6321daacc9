#include "common/aws/xml_reader.h"

#include <charconv>
#include <system_error>
#include <utility>

namespace wharf::aws {
namespace {

std::string_view Trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

std::optional<int64_t> ParseInt(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

std::optional<double> ParseDouble(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

pugi::xml_node FindChild(const pugi::xml_node& node, std::string_view name) {
  for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element && name == child.name()) return child;
  }
  return {};
}

}  // namespace

XmlReader::XmlReader(pugi::xml_node node, std::string path)
    : XmlReader(node, std::move(path), std::make_shared<std::string>()) {}

XmlReader::XmlReader(pugi::xml_node node, std::string path, std::shared_ptr<std::string> error)
    : node_(node), path_(std::move(path)), error_(std::move(error)) {}

std::string XmlReader::ChildPath(std::string_view name) const {
  std::string path = path_;
  if (!path.empty()) path += '/';
  path += name;
  return path;
}

XmlReader XmlReader::Child(std::string_view name) const {
  return XmlReader(FindChild(node_, name), ChildPath(name), error_);
}

XmlReader XmlReader::RequiredChild(std::string_view name) const {
  XmlReader child = Child(name);
  if (!child.present()) Fail("missing element " + std::string(name));
  return child;
}

std::string XmlReader::Text() const { return node_.text().get(); }

std::string XmlReader::String(std::string_view name) const { return Child(name).Text(); }

std::optional<std::string> XmlReader::OptionalString(std::string_view name) const {
  XmlReader child = Child(name);
  if (!child.present()) return std::nullopt;
  return child.Text();
}

std::string XmlReader::RequiredString(std::string_view name) const {
  std::string text = String(name);
  if (text.empty()) Fail("missing or empty element " + std::string(name));
  return text;
}

std::optional<int64_t> XmlReader::OptionalInt(std::string_view name) const {
  XmlReader child = Child(name);
  std::string_view text = Trimmed(child.node_.text().get());
  if (text.empty()) return std::nullopt;
  std::optional<int64_t> value = ParseInt(text);
  if (!value) child.Fail("not an integer: \"" + std::string(text) + "\"");
  return value;
}

int64_t XmlReader::Int(std::string_view name, int64_t fallback) const {
  return OptionalInt(name).value_or(fallback);
}

std::optional<bool> XmlReader::OptionalBool(std::string_view name) const {
  XmlReader child = Child(name);
  std::string_view text = Trimmed(child.node_.text().get());
  if (text.empty()) return std::nullopt;
  if (EqualsIgnoringCase(text, "true")) return true;
  if (EqualsIgnoringCase(text, "false")) return false;
  child.Fail("not a boolean: \"" + std::string(text) + "\"");
  return std::nullopt;
}

bool XmlReader::Bool(std::string_view name, bool fallback) const {
  return OptionalBool(name).value_or(fallback);
}

std::optional<double> XmlReader::OptionalDouble(std::string_view name) const {
  XmlReader child = Child(name);
  std::string_view text = Trimmed(child.node_.text().get());
  if (text.empty()) return std::nullopt;
  std::optional<double> value = ParseDouble(text);
  if (!value) child.Fail("not a number: \"" + std::string(text) + "\"");
  return value;
}

double XmlReader::Double(std::string_view name, double fallback) const {
  return OptionalDouble(name).value_or(fallback);
}

std::vector<XmlReader> XmlReader::Items(std::string_view list, std::string_view item) const {
  std::vector<XmlReader> items;
  XmlReader container = Child(list);
  size_t index = 0;
  for (pugi::xml_node child = container.node_.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element || item != child.name()) continue;
    items.push_back(XmlReader(
        child, container.ChildPath(std::string(item) + "[" + std::to_string(index++) + "]"),
        error_));
  }
  return items;
}

std::vector<std::string> XmlReader::Strings(std::string_view list, std::string_view item) const {
  std::vector<std::string> out;
  for (const XmlReader& reader : Items(list, item)) out.push_back(reader.Text());
  return out;
}

std::map<std::string, std::string> XmlReader::KeyValues(std::string_view list,
                                                        std::string_view item,
                                                        std::string_view key_name,
                                                        std::string_view value_name) const {
  std::map<std::string, std::string> out;
  for (const XmlReader& entry : Items(list, item)) {
    std::string key = entry.RequiredString(key_name);
    if (!key.empty()) out[std::move(key)] = entry.String(value_name);
  }
  return out;
}

void XmlReader::Fail(const std::string& message) const {
  if (!error_->empty()) return;
  *error_ = path_.empty() ? message : path_ + ": " + message;
}

std::string XmlRequestId(const pugi::xml_document& doc) {
  pugi::xml_node root = doc.document_element();
  for (const char* path : {"ResponseMetadata/RequestId", "requestId", "RequestID", "RequestId"}) {
    pugi::xml_node node = root.first_element_by_path(path);
    if (node && *node.child_value()) return std::string(Trimmed(node.child_value()));
  }
  return "";
}

}  // namespace wharf::aws
