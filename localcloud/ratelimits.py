"""AWS's published API request rates, enforced with token buckets (off unless asked for).

    python3 -m localcloud --enforce-rates            on from the start (and after every reset)
    POST /_localcloud/ratelimits {"enabled": true, "clock": "sim" | "wall"}
    GET  /_localcloud/ratelimits                     mode, and every bucket used so far

A call takes one token from each bucket it belongs to; if any of them has less than
one token, the call is answered with the service's throttling error (errorshapes:
ECS ThrottlingException, EC2 503 RequestLimitExceeded, ELBv2 Throttling) and takes no
token. Buckets are kept per (account, region, service, bucket) and start full.

The numbers (burst = bucket capacity, sustained = refill per second):
  ECS     "Request throttling for the Amazon ECS API" (ECS API Reference): one bucket per
          action category, e.g. RegisterTaskDefinition 20/1, DescribeClusters 50/20,
          DescribeServices 100/20, CreateService/UpdateService 50/5, RunTask 100/40 and,
          from "AWS Fargate throttling quotas", RunTask also 20/20 (all tasks here are
          Fargate). Actions the page does not list: the default below.
  EC2     "Request throttling for the Amazon EC2 API" (EC2 Developer Guide): each action
          has its own bucket, sized by category: non-mutating (Describe*/List*/Search*/
          Get*) 100/20, mutating 50/5, resource-intensive 50/5, and the page's
          "uncategorized" actions their own numbers (CreateTags 100/10, RunInstances 5/2,
          ...). Not modelled: the smaller 50/10 bucket for unfiltered, unpaginated calls
          (the request's parameters are not looked at) and the resource-count buckets of
          RunInstances and friends.
  ELBv2   "Request throttling for the ELB API" (ELB User Guide): every call also takes a
          token from the account-level bucket 40/10; categories: non-mutating (Describe*)
          40/10, mutating 20/3, registration (RegisterTargets, DeregisterTargets) 20/4,
          resource-intensive (CreateLoadBalancer, SetSubnets) 10/0.2. Classic ELB calls
          share the signing name and are treated as version 2.
  others  Not published as token buckets: a bucket per operation of 50/20 (a local-cloud
          choice, not an AWS number).

Clock. Buckets refill on the local-cloud clock by default ("sim"): at speed 1 that is
AWS's real rate, and `POST /_localcloud/clock {"advance_seconds": N}` refills them
without anyone sleeping, which keeps tests exact. At speed S a client calling in real
time sees S times the sustained rates (bursts unchanged): the speed-up compresses the
waiting between calls that AWS would impose. To hold a real-time client (Wharf running
against a sped-up cloud) to AWS's real rates, choose "clock": "wall" (monotonic time).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from localcloud import errorshapes
from localcloud.auth import account_of_key
from localcloud.awsrequest import AwsRequest
from localcloud.cloud import ControlError, ControlRequest, LocalCloud
from localcloud.middleware import Answer, Verdict


@dataclass(frozen=True)
class Limit:
    capacity: float  # burst
    refill_per_s: float  # sustained


def _group(limit: Limit, *operations: str) -> dict[str, Limit]:
    return dict.fromkeys(operations, limit)


# ECS: category -> (limit, actions). Source: ECS API Reference, "Request throttling for the Amazon ECS API".
ECS_CATEGORIES: dict[str, tuple[Limit, tuple[str, ...]]] = {
    "cluster-modify": (Limit(20, 1), ("CreateCluster", "DeleteCluster", "PutClusterCapacityProviders",
                                      "UpdateCluster", "UpdateClusterSettings")),
    "cluster-read": (Limit(50, 20), ("DescribeClusters", "ListClusters")),
    "task-definition-modify": (Limit(20, 1), ("DeregisterTaskDefinition", "RegisterTaskDefinition")),
    "task-definition-read": (Limit(50, 20), ("DescribeTaskDefinition", "ListTaskDefinitions",
                                             "ListTaskDefinitionFamilies")),
    "task-definition-deletion": (Limit(5, 1), ("DeleteTaskDefinitions",)),
    "capacity-provider-modify": (Limit(10, 1), ("CreateCapacityProvider", "DeleteCapacityProvider",
                                                "UpdateCapacityProvider")),
    "capacity-provider-read": (Limit(50, 20), ("DescribeCapacityProviders",)),
    "tag-modify": (Limit(20, 10), ("TagResource", "UntagResource")),
    "tag-read": (Limit(50, 20), ("ListTagsForResource",)),
    "setting-modify": (Limit(10, 1), ("DeleteAccountSetting", "PutAccountSetting", "PutAccountSettingDefault")),
    "setting-read": (Limit(50, 20), ("ListAccountSettings",)),
    "cluster-resource-modify": (Limit(100, 40), ("DeleteAttributes", "DeregisterContainerInstance",
                                                 "ExecuteCommand", "PutAttributes", "RunTask", "StartTask",
                                                 "StopTask", "UpdateContainerAgent",
                                                 "UpdateContainerInstancesState")),
    "cluster-resource-read": (Limit(100, 20), ("DescribeContainerInstances", "DescribeTasks", "ListAttributes",
                                               "ListContainerInstances", "ListTasks")),
    "agent-modify": (Limit(200, 120), ("RegisterContainerInstance", "SubmitAttachmentStateChanges",
                                       "SubmitContainerStateChange", "SubmitTaskStateChange")),
    "service-modify": (Limit(50, 5), ("CreateService", "DeleteService", "UpdateService")),
    "service-read": (Limit(100, 20), ("DescribeServices", "ListServices")),
    "service-deployment": (Limit(50, 20), ("DescribeServiceDeployments", "ListServiceDeployments")),
    "service-revision": (Limit(50, 20), ("DescribeServiceRevisions",)),
    "task-protection": (Limit(200, 80), ("UpdateTaskProtection", "GetTaskProtection")),
    "cluster-service-resource-read": (Limit(10, 1), ("ListServicesByNamespace",)),
}
_ECS_CATEGORY_OF = {op: category for category, (_, ops) in ECS_CATEGORIES.items() for op in ops}
# Source: ECS Developer Guide, "AWS Fargate throttling quotas" (RunTask: 20 calls/s, burst and sustained).
FARGATE_RUN_TASK = Limit(20, 20)

# EC2. Source: EC2 Developer Guide, "Request throttling for the Amazon EC2 API".
EC2_NON_MUTATING = Limit(100, 20)
EC2_MUTATING = Limit(50, 5)
EC2_RESOURCE_INTENSIVE = Limit(50, 5)
EC2_RESOURCE_INTENSIVE_ACTIONS = frozenset({
    "AcceptVpcPeeringConnection", "AuthorizeSecurityGroupIngress", "CancelSpotInstanceRequests",
    "CreateKeyPair", "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection",
    "RejectVpcPeeringConnection", "RevokeSecurityGroupIngress", "RequestSpotInstances",
})
EC2_UNCATEGORIZED: dict[str, Limit] = {
    **_group(Limit(100, 5), "AssignIpv6Addresses", "AssignPrivateIpAddresses", "AssociateIamInstanceProfile",
             "CreateLaunchTemplateVersion", "CreateNetworkInterface", "CreateSnapshot", "CreateSnapshots",
             "CreateVolume", "DeleteNetworkInterface", "DeleteSnapshot", "DeleteVolume", "DeregisterImage",
             "DescribeSpotFleetInstances", "DescribeSpotFleetRequestHistory", "DisassociateIamInstanceProfile",
             "ModifyImageAttribute", "ModifyInstanceMetadataOptions", "ModifyLaunchTemplate",
             "ModifyNetworkInterfaceAttribute", "ModifySnapshotAttribute", "TerminateInstances",
             "UnassignPrivateIpAddresses"),
    **_group(Limit(100, 10), "CreateTags", "DeleteTags"),
    **_group(Limit(100, 1), "CopyImage"),
    **_group(Limit(10, 1), "AcceptVpcEndpointConnections", "AssignPrivateNatGatewayAddress",
             "AssociateNatGatewayAddress", "CreateNatGateway", "CreateVpcEndpointServiceConfiguration",
             "DeleteNatGateway", "DeleteVpcEndpointServiceConfigurations", "DisassociateNatGatewayAddress",
             "ModifyVpcEndpointServiceConfiguration", "RejectVpcEndpointConnections",
             "UnassignPrivateNatGatewayAddress"),
    **_group(Limit(4, 0.3), "CreateVpcEndpoint", "DeleteVpcEndpoints", "ModifyVpcEndpoint"),
    **_group(Limit(1, 1), "CreateDefaultSubnet", "CreateDefaultVpc", "DescribeInstanceTopology",
             "DescribeMovingAddresses", "MoveAddressToVpc", "RestoreAddressToClassic"),
    **_group(Limit(10, 10), "DescribeIdFormat", "DescribeIdentityIdFormat", "DescribePrincipalIdFormat",
             "DescribeReservedInstancesOfferings"),
    **_group(Limit(20, 5), "DescribeSecurityGroupReferences", "DescribeStaleSecurityGroups"),
    **_group(Limit(5, 2), "RunInstances", "StartInstances", "DescribeHostReservations",
             "DescribeHostReservationOfferings", "GetHostReservationPurchasePreview", "PurchaseHostReservation"),
    **_group(Limit(50, 3), "DescribeSpotFleetRequests", "CreateSpotDatafeedSubscription",
             "DeleteSpotDatafeedSubscription"),
    **_group(Limit(100, 13), "DescribeSpotDatafeedSubscription"),
    **_group(Limit(1, 0.1), "AdvertiseByoipCidr", "DeprovisionByoipCidr", "ProvisionByoipCidr",
             "WithdrawByoipCidr"),
    **_group(Limit(1, 0.5), "DescribeByoipCidrs"),
}
_READ_PREFIXES = ("Describe", "List", "Search", "Get")

# ELBv2. Source: ELB User Guide, "Request throttling for the ELB API".
ELB_ACCOUNT = Limit(40, 10)
ELB_CATEGORIES: dict[str, tuple[Limit, tuple[str, ...]]] = {
    "resource-intensive": (Limit(10, 0.2), ("CreateLoadBalancer", "SetSubnets")),
    "registration": (Limit(20, 4), ("RegisterTargets", "DeregisterTargets")),
    "trust-store-create": (Limit(10, 0.2), ("CreateTrustStore",)),
    "trust-store-modify": (Limit(10, 0.2), ("AddTrustStoreRevocations", "DeleteSharedTrustStoreAssociation",
                                            "DeleteTrustStore", "ModifyTrustStore",
                                            "RemoveTrustStoreRevocations")),
    "trust-store-get": (Limit(20, 4), ("GetResourcePolicy", "GetTrustStoreCaCertificatesBundle",
                                       "GetTrustStoreRevocationContent")),
    "trust-store-describe": (Limit(40, 10), ("DescribeTrustStoreAssociations", "DescribeTrustStoreRevocations",
                                             "DescribeTrustStores")),
}
_ELB_CATEGORY_OF = {op: category for category, (_, ops) in ELB_CATEGORIES.items() for op in ops}
ELB_NON_MUTATING = Limit(40, 10)
ELB_MUTATING = Limit(20, 3)

# Everything else: a local-cloud default, per operation.
DEFAULT_LIMIT = Limit(50, 20)


def limits_for(service: str, operation: str) -> list[tuple[str, Limit]]:
    """The buckets a call takes a token from, as (bucket name, limit). Pure."""
    if service == "ecs":
        category = _ECS_CATEGORY_OF.get(operation)
        if category is None:
            return [(operation, DEFAULT_LIMIT)]
        buckets = [(category, ECS_CATEGORIES[category][0])]
        if operation == "RunTask":
            buckets.append(("fargate-run-task", FARGATE_RUN_TASK))
        return buckets
    if service == "ec2":
        if operation in EC2_UNCATEGORIZED:
            return [(operation, EC2_UNCATEGORIZED[operation])]
        if operation in EC2_RESOURCE_INTENSIVE_ACTIONS:
            return [(operation, EC2_RESOURCE_INTENSIVE)]
        return [(operation, EC2_NON_MUTATING if operation.startswith(_READ_PREFIXES) else EC2_MUTATING)]
    if service == "elasticloadbalancing":
        category = _ELB_CATEGORY_OF.get(operation)
        if category is not None:
            own = (category, ELB_CATEGORIES[category][0])
        elif operation.startswith("Describe"):
            own = ("non-mutating", ELB_NON_MUTATING)
        else:
            own = ("mutating", ELB_MUTATING)
        return [("account", ELB_ACCOUNT), own]
    return [(operation, DEFAULT_LIMIT)]


class TokenBucket:
    """Starts full; refills continuously at `limit.refill_per_s` up to `limit.capacity`. Time is passed in."""

    def __init__(self, limit: Limit, now: float) -> None:
        self.limit = limit
        self._tokens = float(limit.capacity)
        self._at = now

    def tokens(self, now: float) -> float:
        elapsed = max(0.0, now - self._at)
        return min(float(self.limit.capacity), self._tokens + elapsed * self.limit.refill_per_s)

    def refill(self, now: float) -> None:
        self._tokens = self.tokens(now)
        self._at = max(self._at, now)

    def take(self) -> None:
        """Takes one token; call refill(now) first and check there is one."""
        self._tokens -= 1.0


BucketKey = tuple[str, str, str, str]  # (account, region, service, bucket)
CLOCKS = ("sim", "wall")


class RateLimits:
    """The AWS-rate mode. A LocalCloud component and request policy; used under the cloud's lock."""

    def __init__(self, cloud: LocalCloud, enabled_by_default: bool = False,
                 wall: Callable[[], float] = time.monotonic) -> None:
        self._cloud = cloud
        self._enabled_by_default = enabled_by_default
        self._wall = wall
        self._rng = random.Random()  # request ids of throttled answers
        self.enabled = enabled_by_default
        self.clock = "sim"
        self._buckets: dict[BucketKey, TokenBucket] = {}
        self.reset()

    # -- component ---------------------------------------------------------

    def reset(self) -> None:
        self.enabled = self._enabled_by_default
        self.clock = "sim"
        self._buckets.clear()
        self._rng.seed(f"localcloud.ratelimits/{self._cloud.seed}")

    def tick(self, now: float) -> None:
        pass

    # -- request policy ----------------------------------------------------

    def before(self, request: AwsRequest) -> Verdict | None:
        if not self.enabled or not request.operation:
            return None
        now = self._now()
        account = self._account_of(request.access_key_id)
        buckets = []
        for name, limit in limits_for(request.service, request.operation):
            key = (account, request.region, request.service, name)
            bucket = self._buckets.get(key)
            if bucket is None or bucket.limit != limit:
                bucket = self._buckets[key] = TokenBucket(limit, now)
            bucket.refill(now)
            buckets.append(bucket)
        if all(b.tokens(now) >= 1.0 for b in buckets):
            for bucket in buckets:
                bucket.take()
            return None
        request_id = errorshapes.new_request_id(self._rng)
        error = errorshapes.throttling(request.service, request.protocol, request_id)
        return Verdict(answer=Answer(error.status, error.headers, error.body, "rate_limited"))

    def after(self, request: AwsRequest, status: int, verdict: Verdict) -> None:
        pass

    def _now(self) -> float:
        return self._cloud.clock.now() if self.clock == "sim" else self._wall()

    def _account_of(self, access_key_id: str) -> str:
        """The account moto will act in: an IAM user's key belongs to its account, others to the default."""
        try:
            return account_of_key(access_key_id)
        except Exception:
            return self._cloud.account_id

    # -- control routes ------------------------------------------------------

    def view(self) -> dict[str, Any]:
        now = self._now()
        buckets = [
            {"account": k[0], "region": k[1], "service": k[2], "bucket": k[3],
             "capacity": b.limit.capacity, "refill_per_s": b.limit.refill_per_s,
             "tokens": round(b.tokens(now), 3)}
            for k, b in sorted(self._buckets.items())
        ]
        return {"enabled": self.enabled, "clock": self.clock, "buckets": buckets}

    def _post(self, req: ControlRequest) -> Any:
        if not isinstance(req.body, dict):
            raise ControlError("ratelimits: body must be an object such as {\"enabled\": true, \"clock\": \"sim\"}")
        unknown = sorted(set(req.body) - {"enabled", "clock"})
        if unknown:
            raise ControlError(f"ratelimits: unknown field(s) {unknown}; use 'enabled' and 'clock'")
        enabled = req.field("enabled", bool, self.enabled)
        clock = req.field("clock", str, self.clock)
        if clock not in CLOCKS:
            raise ControlError(f"ratelimits: 'clock' must be one of {list(CLOCKS)}, not {clock!r}")
        if (enabled, clock) != (self.enabled, self.clock):
            self._buckets.clear()  # a new mode starts with full buckets
        self.enabled, self.clock = enabled, clock
        return self.view()

    def _get(self, _req: ControlRequest) -> Any:
        return self.view()


def install(cloud: LocalCloud, args: argparse.Namespace) -> RateLimits:
    limits = cloud.add(RateLimits(cloud, enabled_by_default=bool(getattr(args, "enforce_rates", False))))
    cloud.request_policies.append(limits)
    cloud.add_route("POST", "ratelimits", limits._post)
    cloud.add_route("GET", "ratelimits", limits._get)
    return limits
