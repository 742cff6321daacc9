#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

namespace wharf::aws {

// Reads one element of an AWS XML response without trusting its shape. The
// readers made from one root share an error slot: the first problem any of
// them finds (a required element missing, a number or boolean that does not
// parse) is kept, with the path of the element, and reading goes on with
// defaults, so a parse function can read everything and check ok() once:
//
//   XmlReader result(doc.child("DescribeVpcsResponse"), "DescribeVpcsResponse");
//   for (const XmlReader& vpc : result.Items("vpcSet", "item")) {
//     out.push_back({vpc.RequiredString("vpcId"), vpc.String("cidrBlock")});
//   }
//   if (!result.ok()) -> MalformedResponse(result.error())
//
// An absent optional element reads as its default (empty string, 0, false,
// nullopt, empty list): AWS omits empty fields. Element names are matched
// exactly, ignoring namespaces (responses use a default namespace). Never
// throws. Cheap to copy; not thread-safe (the error slot is shared).
class XmlReader {
 public:
  // `node` may be empty (an absent element). `path` names it in errors.
  XmlReader(pugi::xml_node node, std::string path);

  bool present() const { return !node_.empty(); }
  const pugi::xml_node& node() const { return node_; }
  const std::string& path() const { return path_; }

  // The child element `name`, possibly absent.
  XmlReader Child(std::string_view name) const;
  // The child element `name`; records an error when absent.
  XmlReader RequiredChild(std::string_view name) const;

  // This element's text, as is ("" when absent).
  std::string Text() const;
  // The text of child `name`; "" when absent.
  std::string String(std::string_view name) const;
  std::optional<std::string> OptionalString(std::string_view name) const;
  // The text of child `name`; records an error when absent or empty.
  std::string RequiredString(std::string_view name) const;
  // Integer child (decimal, optional sign); `fallback` when absent or empty,
  // an error when not an integer.
  int64_t Int(std::string_view name, int64_t fallback = 0) const;
  std::optional<int64_t> OptionalInt(std::string_view name) const;
  // "true" / "false" (any case); `fallback` when absent or empty.
  bool Bool(std::string_view name, bool fallback = false) const;
  std::optional<bool> OptionalBool(std::string_view name) const;
  // A decimal or exponent number; `fallback` when absent or empty.
  double Double(std::string_view name, double fallback = 0) const;
  std::optional<double> OptionalDouble(std::string_view name) const;

  // The `item` children of child `list` (Query: "member", EC2: "item"), in
  // document order; empty when `list` is absent.
  std::vector<XmlReader> Items(std::string_view list, std::string_view item) const;
  // The texts of the `item` children of child `list`.
  std::vector<std::string> Strings(std::string_view list, std::string_view item) const;
  // The `item` children of child `list` as a map of their `key_name` child to
  // their `value_name` child (tags: "Key"/"Value", EC2's "key"/"value").
  // An item without a key is an error.
  std::map<std::string, std::string> KeyValues(std::string_view list, std::string_view item,
                                               std::string_view key_name,
                                               std::string_view value_name) const;

  // Records `message` (prefixed with this element's path) unless an error is
  // already recorded.
  void Fail(const std::string& message) const;
  // True while no reader of this root has recorded an error.
  bool ok() const { return error_->empty(); }
  // The first error recorded, "" if none.
  const std::string& error() const { return *error_; }

 private:
  XmlReader(pugi::xml_node node, std::string path, std::shared_ptr<std::string> error);
  std::string ChildPath(std::string_view name) const;

  pugi::xml_node node_;
  std::string path_;
  std::shared_ptr<std::string> error_;  // shared by every reader of one root
};

// The text of the request id a Query or EC2 response carries
// (ResponseMetadata/RequestId, requestId or RequestID), or "".
std::string XmlRequestId(const pugi::xml_document& doc);

}  // namespace wharf::aws
