"""ECS service and task set operations answered from the ServiceStore.

Replaces moto's handlers (EC2ContainerServiceResponse methods) of CreateService,
UpdateService, DescribeServices, DeleteService, ListServices, CreateTaskSet,
UpdateTaskSet, DeleteTaskSet, DescribeTaskSets and UpdateServicePrimaryTaskSet, and
the lookup behind TagResource / UntagResource / ListTagsForResource for services and
task sets. Validation and messages follow ECS:

- CreateService with the name of an ACTIVE or DRAINING service: InvalidParameterException
  "Creation of service was not idempotent." unless the same clientToken is given (the
  existing service is returned); an INACTIVE one is replaced by a new service.
- A load balancer's target group must exist, be of target type ip for awsvpc task
  definitions, and be associated with a load balancer; containerName/containerPort must
  name a container port of the task definition.
- healthCheckGracePeriodSeconds needs a load balancer.
- DeleteService needs desiredCount 0 or force; UpdateService and DeleteService need an
  ACTIVE service (ServiceNotActiveException).
- Task sets only on services with the EXTERNAL deployment controller; DeleteTaskSet
  needs force unless the task set is not PRIMARY and is scaled to 0 tasks.
- DeleteCluster of a cluster with ACTIVE or DRAINING services: ClusterContainsServicesException.
"""

from __future__ import annotations

import math
from typing import Any

from moto.core.responses import ActionResult
from moto.ecs.exceptions import ECSException, InvalidParameterException, ServiceNotFoundException
from moto.ecs.models import EC2ContainerServiceBackend
from moto.ecs.responses import EC2ContainerServiceResponse

from localcloud import elbv2_targets
from localcloud.cloud import LocalCloud
from localcloud.ecs.services import ServiceStore, SimService, merge_deployment_configuration, new_deployment_id
from localcloud.ecs.task_api import cluster_of, describe_many, validate_network
from localcloud.ecs.task_sets import SimTaskSet

LIST_DEFAULT_PAGE = 10
LIST_MAX_PAGE = 100
DESCRIBE_MAX = 10
MAX_LOAD_BALANCERS = 5


class ServiceNotActiveException(ECSException):
    def __init__(self) -> None:
        super().__init__("ServiceNotActiveException", "Service was not ACTIVE.")


class ClusterContainsServicesException(ECSException):
    def __init__(self) -> None:
        super().__init__("ClusterContainsServicesException",
                         "The Cluster cannot be deleted while Services are active.")


class TaskSetNotFoundException(ECSException):
    def __init__(self) -> None:
        super().__init__("TaskSetNotFoundException", "The specified task set does not exist.")


def _task_definition(backend: EC2ContainerServiceBackend, ref: str | None) -> Any:
    if not ref:
        raise InvalidParameterException("TaskDefinition can not be blank.")
    return backend.describe_task_definition(ref)


def _launch(backend: EC2ContainerServiceBackend, task_definition: Any, launch_type: str | None,
            capacity: list[dict[str, Any]] | None) -> str | None:
    """The launch type (None with a capacity provider strategy), checked as ECS does."""
    if launch_type and capacity:
        raise InvalidParameterException(
            "Specifying both a launch type and capacity provider strategy is not supported. "
            "Remove one and try again.")
    if capacity:
        return None
    launch_type = launch_type or "FARGATE"
    if launch_type not in ("EC2", "FARGATE", "EXTERNAL"):
        raise InvalidParameterException("launch type should be one of [EC2,FARGATE,EXTERNAL]")
    if task_definition is not None and launch_type == "FARGATE" \
            and "FARGATE" not in (task_definition.requires_compatibilities or []) and not task_definition.cpu:
        raise InvalidParameterException("Task definition does not support launch_type FARGATE.")
    return launch_type


def _load_balancers(backend: EC2ContainerServiceBackend, task_definition: Any,
                    given: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The loadBalancers parameter, checked against ELBv2 and the task definition."""
    result = []
    for lb in given or []:
        arn = lb.get("targetGroupArn")
        if not arn:
            if lb.get("loadBalancerName"):
                raise InvalidParameterException(
                    "Classic Load Balancers are not supported by the local cloud; use a target group.")
            raise InvalidParameterException("targetGroupArn can not be blank.")
        tg = elbv2_targets.target_group(arn)
        if tg is None:
            raise InvalidParameterException(
                "Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS "
                "service role being passed has the proper permissions.")
        if not elbv2_targets.has_load_balancer(tg):
            raise InvalidParameterException(
                f"The target group with targetGroupArn {arn} does not have an associated load balancer.")
        if task_definition is not None:
            if task_definition.network_mode == "awsvpc" and tg.target_type != "ip":
                raise InvalidParameterException(
                    f"The provided target group {arn} has target type {tg.target_type}, which is incompatible "
                    f"with the awsvpc network mode specified in the task definition.")
            name, port = lb.get("containerName"), lb.get("containerPort")
            container = next((c for c in task_definition.container_definitions if c.get("name") == name), None)
            if container is None:
                raise InvalidParameterException(f"The container {name} does not exist in the task definition.")
            ports = [m.get("containerPort") for m in container.get("portMappings") or []]
            if port not in ports:
                raise InvalidParameterException(
                    f"The container {name} did not have a container port {port} defined.")
        result.append({k: v for k, v in lb.items() if v is not None})
    if len(result) > MAX_LOAD_BALANCERS:
        raise InvalidParameterException(f"loadBalancers can have at most {MAX_LOAD_BALANCERS} items.")
    return result


def _check_percents(config: dict[str, Any]) -> None:
    low = config.get("minimumHealthyPercent")
    high = config.get("maximumPercent")
    if not isinstance(low, int) or not 0 <= low <= 100:
        raise InvalidParameterException("minimumHealthyPercent must be between 0 and 100.")
    if not isinstance(high, int) or high < 100 and high < low:
        raise InvalidParameterException("maximumPercent must be greater than or equal to minimumHealthyPercent.")


def install(cloud: LocalCloud, store: ServiceStore) -> None:
    def where(resp: EC2ContainerServiceResponse) -> tuple[EC2ContainerServiceBackend, Any]:
        backend = resp.ecs_backend
        return backend, cluster_of(backend, resp._get_param("cluster"))

    def service_of(backend: EC2ContainerServiceBackend, cluster: Any, ref: str | None) -> SimService:
        s = store.find(backend.account_id, backend.region_name, cluster.name, ref or "")
        if s is None:
            raise ServiceNotFoundException()
        return s

    # -- services -----------------------------------------------------------

    def create_service(self: EC2ContainerServiceResponse) -> ActionResult:
        backend, cluster = where(self)
        name = self._get_param("serviceName")
        if not name:
            raise InvalidParameterException("serviceName can not be blank.")
        token = self._get_param("clientToken")
        existing = store.find(backend.account_id, backend.region_name, cluster.name, name)
        if existing is not None and existing.status in ("ACTIVE", "DRAINING"):
            if token and token == existing.client_token:
                return ActionResult({"service": existing.view()})
            raise InvalidParameterException("Creation of service was not idempotent.")
        controller = (self._get_param("deploymentController") or {}).get("type") or "ECS"
        if controller not in ("ECS", "EXTERNAL", "CODE_DEPLOY"):
            raise InvalidParameterException("deploymentController type should be one of [ECS,CODE_DEPLOY,EXTERNAL]")
        td_ref = self._get_param("taskDefinition")
        if controller == "EXTERNAL":
            task_definition = backend.describe_task_definition(td_ref) if td_ref else None
        else:
            task_definition = _task_definition(backend, td_ref)
        desired = self._get_int_param("desiredCount", 0) or 0
        if desired < 0:
            raise InvalidParameterException("desiredCount can not be negative.")
        capacity = self._get_param("capacityProviderStrategy") or []
        launch_type = _launch(backend, task_definition, self._get_param("launchType"), capacity)
        network = self._get_param("networkConfiguration")
        if task_definition is not None:
            validate_network(backend, task_definition, network)
        load_balancers = _load_balancers(backend, task_definition, self._get_param("loadBalancers"))
        grace = self._get_int_param("healthCheckGracePeriodSeconds")
        if grace is not None and not load_balancers:
            raise InvalidParameterException(
                "Health check grace period is only valid for services configured to use load balancers")
        config = merge_deployment_configuration({}, self._get_param("deploymentConfiguration"))
        _check_percents(config)
        s = store.create(
            account_id=backend.account_id, region=backend.region_name, cluster=cluster, name=name,
            desired_count=desired, deployment_controller=controller, client_token=token,
            task_definition=task_definition if controller == "ECS" else None,
            launch_type=launch_type, capacity_provider_strategy=capacity,
            platform_version=self._get_param("platformVersion"), network_configuration=network,
            load_balancers=load_balancers, service_registries=self._get_param("serviceRegistries"),
            deployment_configuration=config, health_check_grace_period=grace,
            scheduling_strategy=self._get_param("schedulingStrategy"),
            placement_constraints=self._get_param("placementConstraints"),
            placement_strategy=self._get_param("placementStrategy"), role_arn=self._get_param("role"),
            tags=self._get_param("tags"), propagate_tags=self._get_param("propagateTags"),
            enable_ecs_managed_tags=self._get_param("enableECSManagedTags"),
            enable_execute_command=self._get_param("enableExecuteCommand"),
            availability_zone_rebalancing=self._get_param("availabilityZoneRebalancing"),
        )
        if controller == "EXTERNAL" and task_definition is not None:
            s.external_task_definition = task_definition.arn
        if controller == "CODE_DEPLOY":
            # ECS creates the first task set, PRIMARY at 100 %; later ones come from CodeDeploy.
            ts = new_task_set(backend, s, task_definition, network, load_balancers, launch_type, capacity,
                              self._get_param("platformVersion"), {"value": 100.0, "unit": "PERCENT"},
                              None, None, [], started_by="CODE_DEPLOY")
            ts.status = "PRIMARY"
            s.external_task_definition = task_definition.arn
        return ActionResult({"service": s.view()})

    def update_service(self: EC2ContainerServiceResponse) -> ActionResult:
        backend, cluster = where(self)
        s = service_of(backend, cluster, self._get_param("service"))
        if s.status != "ACTIVE":
            raise ServiceNotActiveException()
        new_deployment = bool(self._get_param("forceNewDeployment"))
        task_definition = None
        td_ref = self._get_param("taskDefinition")
        if td_ref:
            task_definition = backend.describe_task_definition(td_ref)
        current_td = s.primary.task_definition if s.primary else None
        td_for_checks = task_definition or current_td
        network = self._get_param("networkConfiguration")
        lbs_given = self._get_param("loadBalancers")
        capacity = self._get_param("capacityProviderStrategy")
        platform = self._get_param("platformVersion")
        if s.deployment_controller != "ECS" and (td_ref or network or lbs_given is not None or new_deployment):
            raise InvalidParameterException(
                f"Unable to update task definition on services with a {s.deployment_controller} deployment "
                f"controller. Use task sets to change what the service runs.")
        if task_definition is not None and task_definition is not current_td:
            new_deployment = True
        if network is not None:
            if td_for_checks is not None:
                validate_network(backend, td_for_checks, network)
            if network != s.network_configuration:
                new_deployment = True
        elif task_definition is not None:
            validate_network(backend, task_definition, s.network_configuration)
        if lbs_given is not None:
            load_balancers = _load_balancers(backend, td_for_checks, lbs_given)
            if load_balancers != s.load_balancers:
                new_deployment = True
        else:
            load_balancers = _load_balancers(backend, td_for_checks, s.load_balancers) \
                if task_definition is not None else s.load_balancers
        if capacity is not None and capacity != s.capacity_provider_strategy:
            new_deployment = True
        if platform is not None and platform != s.platform_version:
            new_deployment = True
        grace = self._get_int_param("healthCheckGracePeriodSeconds")
        if grace is not None and not load_balancers:
            raise InvalidParameterException(
                "Health check grace period is only valid for services configured to use load balancers")
        config = merge_deployment_configuration(s.deployment_configuration,
                                                self._get_param("deploymentConfiguration"))
        _check_percents(config)
        desired = self._get_int_param("desiredCount")
        if desired is not None and desired < 0:
            raise InvalidParameterException("desiredCount can not be negative.")
        # All checked: apply.
        s.deployment_configuration = config
        if grace is not None:
            s.health_check_grace_period = grace
        if desired is not None:
            store.set_desired_count(s, desired)
        if network is not None:
            s.network_configuration = network
        s.load_balancers = load_balancers
        if capacity is not None:
            s.capacity_provider_strategy = capacity
            s.launch_type = None if capacity else (s.launch_type or "FARGATE")
        if platform is not None:
            s.platform_version = platform
        for param, attr in (("enableExecuteCommand", "enable_execute_command"),
                            ("enableECSManagedTags", "enable_ecs_managed_tags"),
                            ("propagateTags", "propagate_tags"), ("placementConstraints", "placement_constraints"),
                            ("placementStrategy", "placement_strategy"), ("serviceRegistries", "service_registries"),
                            ("availabilityZoneRebalancing", "availability_zone_rebalancing")):
            value = self._get_param(param)
            if value is not None:
                setattr(s, attr, value)
        if new_deployment and s.deployment_controller == "ECS":
            store.deploy(s, task_definition or current_td)
        return ActionResult({"service": s.view()})

    def describe_services(self: EC2ContainerServiceResponse) -> ActionResult:
        backend, cluster = where(self)
        wanted = self._get_param("services") or []
        if not wanted:
            raise InvalidParameterException("Services cannot be empty.")
        if len(wanted) > DESCRIBE_MAX:
            raise InvalidParameterException(f"services can have at most {DESCRIBE_MAX} items.")
        include_tags = "TAGS" in (self._get_param("include") or [])
        services, failures = describe_many(
            wanted, lambda ref: store.find(backend.account_id, backend.region_name, cluster.name, ref),
            lambda ref: f"arn:aws:ecs:{backend.region_name}:{backend.account_id}:service/{cluster.name}/{ref}",
            lambda s: s.view(include_tags))
        return ActionResult({"services": services, "failures": failures})

    def delete_service(self: EC2ContainerServiceResponse) -> ActionResult:
        backend, cluster = where(self)
        s = service_of(backend, cluster, self._get_param("service"))
        if s.status != "ACTIVE":
            raise ServiceNotActiveException()
        if s.desired_count > 0 and not self._get_param("force"):
            raise InvalidParameterException("The service cannot be stopped while it is scaled above 0.")
        store.delete(s)
        return ActionResult({"service": s.view()})

    def list_services(self: EC2ContainerServiceResponse) -> ActionResult:
        backend, cluster = where(self)
        launch_type = self._get_param("launchType")
        strategy = self._get_param("schedulingStrategy")
        arns = [s.arn for s in store.in_cluster(backend.account_id, backend.region_name, cluster.name)
                if s.status in ("ACTIVE", "DRAINING")
                and (not launch_type or s.launch_type == launch_type)
                and (not strategy or s.scheduling_strategy == strategy)]
        page = self._get_int_param("maxResults", LIST_DEFAULT_PAGE)
        if not 1 <= page <= LIST_MAX_PAGE:
            raise InvalidParameterException(f"maxResults must be between 1 and {LIST_MAX_PAGE}.")
        token = self._get_param("nextToken") or "0"
        start = int(token) if token.isdigit() else 0
        result: dict[str, Any] = {"serviceArns": arns[start:start + page]}
        if start + page < len(arns):
            result["nextToken"] = str(start + page)
        return ActionResult(result)

    # -- task sets ----------------------------------------------------------

    def task_set_service(backend: EC2ContainerServiceBackend, cluster: Any, ref: str | None,
                         active: bool = True) -> SimService:
        s = service_of(backend, cluster, ref)
        if active and s.status != "ACTIVE":
            raise ServiceNotActiveException()
        if s.deployment_controller != "EXTERNAL":
            raise InvalidParameterException(
                "Amazon ECS only supports task set management on services configured to use external "
                "deployment controllers.")
        return s

    def find_task_set(s: SimService, ref: str | None) -> SimTaskSet:
        for ts in s.task_sets:
            if ref in (ts.arn, ts.id) or (ref and ts.arn.endswith("/" + ref)):
                return ts
        raise TaskSetNotFoundException()

    def create_task_set(self: EC2ContainerServiceResponse) -> ActionResult:
        backend, cluster = where(self)
        s = task_set_service(backend, cluster, self._get_param("service"))
        token = self._get_param("clientToken")
        if token:
            for ts in s.task_sets:
                if ts.client_token == token:
                    return ActionResult({"taskSet": ts.view()})
        task_definition = _task_definition(backend, self._get_param("taskDefinition"))
        capacity = self._get_param("capacityProviderStrategy") or []
        launch_type = _launch(backend, task_definition, self._get_param("launchType"), capacity)
        network = self._get_param("networkConfiguration")
        validate_network(backend, task_definition, network)
        given_lbs = self._get_param("loadBalancers") or []
        if len(given_lbs) > 1:
            raise InvalidParameterException("loadBalancers can have at most 1 items.")
        load_balancers = _load_balancers(backend, task_definition, given_lbs)
        scale = _scale(self._get_param("scale"))
        ts = new_task_set(backend, s, task_definition, network, load_balancers, launch_type, capacity,
                          self._get_param("platformVersion"), scale, self._get_param("externalId"), token,
                          self._get_param("tags") or [])
        return ActionResult({"taskSet": ts.view()})

    def new_task_set(backend: EC2ContainerServiceBackend, s: SimService, task_definition: Any, network: Any,
                     load_balancers: list[dict[str, Any]], launch_type: str | None, capacity: list[dict[str, Any]],
                     platform: str | None, scale: dict[str, Any], external_id: str | None, token: str | None,
                     tags: list[dict[str, str]], started_by: str | None = None) -> SimTaskSet:
        now = cloud.clock.now()
        ts_id = new_deployment_id(cloud)
        ts = SimTaskSet(
            id=ts_id, arn=f"arn:aws:ecs:{s.region}:{s.account_id}:task-set/{s.cluster_name}/{s.name}/{ts_id}",
            service_arn=s.arn, cluster_arn=s.cluster_arn, task_definition=task_definition, scale=scale,
            launch_type=launch_type, capacity_provider_strategy=capacity, platform_version=platform,
            network_configuration=network, load_balancers=load_balancers,
            service_registries=[], external_id=external_id, started_by=started_by, client_token=token,
            tags=list(tags), created_at=now, updated_at=now, stability_status_at=now)
        ts.computed_desired_count = ts.computed(s.desired_count)
        s.task_sets.append(ts)
        s.steady = False
        return ts

    def update_task_set(self: EC2ContainerServiceResponse) -> ActionResult:
        backend, cluster = where(self)
        s = task_set_service(backend, cluster, self._get_param("service"))
        ts = find_task_set(s, self._get_param("taskSet"))
        ts.scale = _scale(self._get_param("scale"))
        ts.computed_desired_count = ts.computed(s.desired_count)
        ts.updated_at = cloud.clock.now()
        s.steady = False
        return ActionResult({"taskSet": ts.view()})

    def delete_task_set(self: EC2ContainerServiceResponse) -> ActionResult:
        backend, cluster = where(self)
        s = task_set_service(backend, cluster, self._get_param("service"))
        ts = find_task_set(s, self._get_param("taskSet"))
        if not self._get_param("force"):
            if ts.status == "PRIMARY":
                raise InvalidParameterException(
                    "The primary task set cannot be deleted unless force is set.")
            if ts.computed_desired_count > 0 or float(ts.scale.get("value", 0)) > 0:
                raise InvalidParameterException(
                    "The task set cannot be deleted until it is scaled down to zero unless force is set.")
        ts.status = "DRAINING"
        ts.updated_at = cloud.clock.now()
        s.steady = False
        return ActionResult({"taskSet": ts.view()})

    def describe_task_sets(self: EC2ContainerServiceResponse) -> ActionResult:
        backend, cluster = where(self)
        s = task_set_service(backend, cluster, self._get_param("service"), active=False)
        include_tags = "TAGS" in (self._get_param("include") or [])
        wanted = self._get_param("taskSets") or []
        if not wanted:
            return ActionResult({"taskSets": [ts.view(include_tags) for ts in s.task_sets], "failures": []})
        found, failures = [], []
        for ref in wanted:
            try:
                found.append(find_task_set(s, ref).view(include_tags))
            except TaskSetNotFoundException:
                failures.append({"arn": ref, "reason": "MISSING"})
        return ActionResult({"taskSets": found, "failures": failures})

    def update_service_primary_task_set(self: EC2ContainerServiceResponse) -> ActionResult:
        backend, cluster = where(self)
        s = task_set_service(backend, cluster, self._get_param("service"))
        ts = find_task_set(s, self._get_param("primaryTaskSet"))
        if ts.status == "DRAINING":
            raise InvalidParameterException("A DRAINING task set cannot be made primary.")
        now = cloud.clock.now()
        for other in s.task_sets:
            if other is not ts and other.status == "PRIMARY":
                other.status = "ACTIVE"
                other.updated_at = now
        ts.status = "PRIMARY"
        ts.updated_at = now
        s.external_task_definition = ts.task_definition.arn
        s.load_balancers = list(ts.load_balancers)
        s.network_configuration = ts.network_configuration
        s.launch_type = ts.launch_type
        s.capacity_provider_strategy = list(ts.capacity_provider_strategy)
        s.platform_version = ts.platform_version
        return ActionResult({"taskSet": ts.view()})

    for name, handler in (("create_service", create_service), ("update_service", update_service),
                          ("describe_services", describe_services), ("delete_service", delete_service),
                          ("list_services", list_services), ("create_task_set", create_task_set),
                          ("update_task_set", update_task_set), ("delete_task_set", delete_task_set),
                          ("describe_task_sets", describe_task_sets),
                          ("update_service_primary_task_set", update_service_primary_task_set)):
        setattr(EC2ContainerServiceResponse, name, handler)

    # Tags of services and task sets (TagResource / UntagResource / ListTagsForResource).
    previous_get_resource = EC2ContainerServiceBackend._get_resource

    def get_resource(self: EC2ContainerServiceBackend, resource_arn: str, parsed_arn: dict[str, str]) -> Any:
        kind = parsed_arn.get("service")
        if kind == "service":
            s = store.by_arn(resource_arn)
            if s is None:
                raise ServiceNotFoundException()
            return s
        if kind == "task-set":
            for s in reversed(store.services):
                for ts in s.task_sets:
                    if ts.arn == resource_arn:
                        return ts
            raise TaskSetNotFoundException()
        return previous_get_resource(self, resource_arn, parsed_arn)

    EC2ContainerServiceBackend._get_resource = get_resource

    # DeleteCluster refuses a cluster that still has services (ACTIVE or DRAINING), as ECS does.
    previous_delete_cluster = EC2ContainerServiceBackend.delete_cluster

    def delete_cluster(self: EC2ContainerServiceBackend, cluster_str: str) -> Any:
        cluster = self._get_cluster(cluster_str)
        if any(s.status in ("ACTIVE", "DRAINING")
               for s in store.in_cluster(self.account_id, self.region_name, cluster.name)):
            raise ClusterContainsServicesException()
        return previous_delete_cluster(self, cluster_str)

    EC2ContainerServiceBackend.delete_cluster = delete_cluster


def _scale(given: dict[str, Any] | None) -> dict[str, Any]:
    if given is None:
        return {"value": 100.0, "unit": "PERCENT"}
    value = given.get("value", 100.0)
    unit = given.get("unit", "PERCENT")
    if unit != "PERCENT":
        raise InvalidParameterException("scale unit must be PERCENT.")
    if not isinstance(value, (int, float)) or math.isnan(value) or not 0 <= value <= 100:
        raise InvalidParameterException("scale value must be between 0 and 100.")
    return {"value": float(value), "unit": "PERCENT"}
