#include "executors/vpc_lookup_handler.h"

#include <set>

#include "executors/handler_support.h"
#include "executors/network_support.h"

namespace wharf::executors {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ",";
    out += item;
  }
  return out;
}

std::string Describe(const std::string& vpc) {
  return vpc.empty() ? "the default VPC" : "VPC " + vpc;
}

}  // namespace

std::vector<std::string> VpcLookupHandler::SelectSubnets(const std::vector<aws::Ec2Subnet>& subnets,
                                                         const std::vector<std::string>& selectors,
                                                         bool prefer_public,
                                                         std::vector<std::string>* unknown) {
  std::set<std::string> ids;
  if (selectors.empty()) {
    for (const auto& s : subnets) {
      if (!prefer_public || s.map_public_ip_on_launch) ids.insert(s.id);
    }
    if (ids.empty() && prefer_public) {
      for (const auto& s : subnets) ids.insert(s.id);
    }
    return {ids.begin(), ids.end()};
  }
  for (const auto& selector : selectors) {
    bool found = false;
    for (const auto& s : subnets) {
      auto name = s.tags.find("Name");
      if (s.id == selector || (name != s.tags.end() && name->second == selector)) {
        ids.insert(s.id);
        found = true;
      }
    }
    if (!found) unknown->push_back(selector);
  }
  return {ids.begin(), ids.end()};
}

void VpcLookupHandler::Handle(const v1::Action& action, Done done) {
  switch (action.verb()) {
    case v1::CREATE:
    case v1::UPDATE:
    case v1::OBSERVE:
      return Lookup(action, std::move(done));
    case v1::DELETE:
      return done(Succeeded(Absent(action.resource()), /*mutated=*/false));
    default:
      return done(UnsupportedVerb(action));
  }
}

void VpcLookupHandler::Lookup(const v1::Action& action, Done done) {
  const std::string vpc = GetString(action.resource().properties(), "vpc");
  aws::Ec2DescribeVpcsRequest request;
  if (vpc.empty()) {
    request.filters = {{"is-default", {"true"}}};
  } else if (vpc.rfind("vpc-", 0) == 0) {
    request.vpc_ids = {vpc};
  } else {
    request.filters = {{"tag:Name", {vpc}}};
  }
  ec2_.DescribeVpcs(request, [this, action, vpc, done = std::move(done)](
                                 aws::Outcome<std::vector<aws::Ec2Vpc>> found) {
    const bool missing = (!found.ok() && found.error().code() == "InvalidVpcID.NotFound") ||
                         (found.ok() && found->empty());
    if (missing) {
      if (action.verb() == v1::OBSERVE) return done(Succeeded(Absent(action.resource()), false));
      return done(FailedTerminal("VpcNotFound",
                                 Describe(vpc) + " does not exist in this account and region: " +
                                     "set network.vpc to an existing VPC's id or Name tag"));
    }
    if (!found.ok()) return done(Failed(found.error()));
    if (found->size() > 1) {
      return done(FailedTerminal("AmbiguousVpc", std::to_string(found->size()) +
                                                     " VPCs are named " + vpc +
                                                     ": set network.vpc to the VPC's id"));
    }
    LookupSubnets(action, found.value()[0], std::move(done));
  });
}

void VpcLookupHandler::LookupSubnets(const v1::Action& action, const aws::Ec2Vpc& vpc, Done done) {
  aws::Ec2DescribeSubnetsRequest request;
  request.filters = {{"vpc-id", {vpc.id}}};
  ec2_.DescribeSubnets(request, [action, vpc, done = std::move(done)](
                                    aws::Outcome<std::vector<aws::Ec2Subnet>> subnets) {
    if (!subnets.ok()) return done(Failed(subnets.error()));
    const auto& props = action.resource().properties();
    std::vector<std::string> unknown;
    std::vector<std::string> public_ids =
        SelectSubnets(subnets.value(), GetStringList(props, "public_subnets"), true, &unknown);
    std::vector<std::string> task_selectors = GetStringList(props, "task_subnets");
    std::vector<std::string> task_ids =
        task_selectors.empty() ? public_ids
                               : SelectSubnets(subnets.value(), task_selectors, false, &unknown);
    if (!unknown.empty()) {
      return done(FailedTerminal(
          "SubnetNotFound", "no subnet of " + vpc.id + " has the id or Name tag " + Join(unknown) +
                                ": fix network.public_subnets / network.task_subnets"));
    }
    std::set<std::string> zones;
    for (const auto& s : subnets.value()) {
      for (const auto& id : public_ids) {
        if (s.id == id) zones.insert(s.availability_zone);
      }
    }
    if (zones.size() < 2) {
      return done(FailedTerminal(
          "InsufficientSubnets",
          "the load balancer needs public subnets in at least two availability zones; " + vpc.id +
              " offers " + std::to_string(zones.size()) + " (" + Join(public_ids) +
              "): add a subnet in another zone or list two in network.public_subnets"));
    }
    v1::Resource observed = ObservedLike(action.resource());
    observed.set_id(vpc.id);
    auto* fields = observed.mutable_properties()->mutable_fields();
    for (const char* key : {"vpc", "public_subnets", "task_subnets"}) {
      auto it = props.fields().find(key);
      if (it != props.fields().end()) (*fields)[key] = it->second;
    }
    auto& outputs = *observed.mutable_outputs();
    outputs["vpc_id"] = vpc.id;
    outputs["cidr"] = vpc.cidr_block;
    outputs["public_subnet_ids"] = Join(public_ids);
    outputs["task_subnet_ids"] = Join(network::Sorted(task_ids));
    done(Succeeded(std::move(observed), /*mutated=*/false));
  });
}

}  // namespace wharf::executors
