#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/aws/http_request.h"

namespace wharf::aws {

// Builds the parameters of a Query-protocol request (ELBv2, IAM, CloudWatch,
// STS) or of an EC2 request, in the order they are added. The two differ only
// in how lists are named: Query numbers a list's members under "member"
// (`Subnets.member.1`), EC2 numbers them directly (`GroupId.1`,
// `Filter.1.Value.1`); structure members are joined with '.' in both. Names
// are the wire names (EC2: the model's queryName or capitalized locationName).
//
//   QueryParamsBuilder p(QueryParamsBuilder::ListStyle::kMember);
//   p.Add("Name", "web");
//   p.AddStrings("Subnets", {"subnet-1", "subnet-2"});
//   // Name=web, Subnets.member.1=subnet-1, Subnets.member.2=subnet-2
//
// Values are not encoded here (AwsClient form-encodes the body). A value type,
// not thread-safe.
class QueryParamsBuilder {
 public:
  enum class ListStyle {
    kMember,  // Query: <list>.member.<n>
    kEc2,     // EC2: <list>.<n>
  };

  explicit QueryParamsBuilder(ListStyle style) : style_(style) {}

  // The name of a list's `index`-th item (0-based; the wire counts from 1):
  // "Tags.member.3" or "Tag.3" for ListItem("Tags"/"Tag", 2).
  std::string ListItem(const std::string& list, size_t index) const;

  void Add(const std::string& name, std::string value);
  void AddInt(const std::string& name, int64_t value);
  // "true" / "false".
  void AddBool(const std::string& name, bool value);
  // Shortest text that reads back as the same double ("5.5", "80", "1e-05").
  void AddDouble(const std::string& name, double value);
  // Adds nothing for an empty value / nullopt.
  void AddIfNotEmpty(const std::string& name, const std::string& value);
  void AddIfSet(const std::string& name, const std::optional<std::string>& value);
  void AddIfSet(const std::string& name, const std::optional<int64_t>& value);
  void AddIfSet(const std::string& name, const std::optional<bool>& value);
  // One parameter per value: ListItem(list, i) = values[i]. Nothing for an
  // empty list.
  void AddStrings(const std::string& list, const std::vector<std::string>& values);
  // One <list item>.<key_name> / .<value_name> pair per entry, in key order:
  // AddKeyValues("Tags", tags, "Key", "Value") gives Tags.member.1.Key, ...
  void AddKeyValues(const std::string& list, const std::map<std::string, std::string>& entries,
                    const std::string& key_name = "Key", const std::string& value_name = "Value");

  ListStyle style() const { return style_; }
  const QueryParams& params() const { return params_; }
  QueryParams Take() && { return std::move(params_); }

 private:
  ListStyle style_;
  QueryParams params_;
};

}  // namespace wharf::aws
