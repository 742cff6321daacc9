"""RunTask, DescribeTasks, ListTasks and StopTask answered from the TaskStore.

Replaces moto's handlers of these operations (EC2ContainerServiceResponse
methods); validation and error codes follow ECS: awsvpc needs a network
configuration with existing subnets and security groups, count is 1..10,
ListTasks shows RUNNING tasks unless desiredStatus says STOPPED, and clientToken
makes RunTask idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult
from moto.ecs.exceptions import ClusterNotFoundException, InvalidParameterException
from moto.ecs.models import EC2ContainerServiceBackend
from moto.ecs.responses import EC2ContainerServiceResponse

from localcloud.cloud import LocalCloud
from localcloud.ecs.tasks import SimTask, TaskStore

LIST_PAGE_SIZE = 100


def cluster_of(backend: EC2ContainerServiceBackend, name_or_arn: str | None) -> Any:
    name = (name_or_arn or "default").rsplit("/", 1)[-1]
    cluster = backend.clusters.get(name)
    if cluster is None or cluster.status != "ACTIVE":
        raise ClusterNotFoundException()
    return cluster


def validate_network(backend: EC2ContainerServiceBackend, task_definition: Any,
                     network: dict[str, Any] | None) -> None:
    """ECS's checks of an awsvpc network configuration, with ECS's messages."""
    if task_definition.network_mode != "awsvpc":
        return
    if not network or not network.get("awsvpcConfiguration"):
        raise InvalidParameterException(
            "Network Configuration must be provided when networkMode 'awsvpc' is specified.")
    vpc = network["awsvpcConfiguration"]
    subnets = vpc.get("subnets") or []
    if not subnets:
        raise InvalidParameterException("subnets can not be empty.")
    from moto.ec2.models import ec2_backends

    ec2 = ec2_backends[backend.account_id][backend.region_name]
    for subnet in subnets:
        if not _subnet_exists(ec2, subnet):
            raise InvalidParameterException(
                f"Error retrieving subnet information for [{subnet}]: The subnet ID '{subnet}' does not exist "
                f"(ErrorCode: InvalidSubnetID.NotFound)")
    for group in vpc.get("securityGroups") or []:
        if ec2.get_security_group_from_id(group) is None:
            raise InvalidParameterException(
                f"Error retrieving security group information for [{group}]: The security group '{group}' "
                f"does not exist (ErrorCode: InvalidGroup.NotFound)")


def describe_many(refs: list[str], find: Callable[[str], Any], missing_arn: Callable[[str], str],
                  view: Callable[[Any], dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """ECS's Describe* answer for ids or ARNs: the views of those found, and a MISSING failure
    (with the ARN the id would have) for each of the others."""
    found, failures = [], []
    for ref in refs:
        item = find(ref)
        if item is None:
            failures.append({"arn": ref if ref.startswith("arn:") else missing_arn(ref), "reason": "MISSING"})
        else:
            found.append(view(item))
    return found, failures


def _subnet_exists(ec2: Any, subnet_id: str) -> bool:
    try:
        ec2.get_subnet(subnet_id)
        return True
    except Exception:
        return False


def install(cloud: LocalCloud, store: TaskStore) -> None:
    def backend_of(resp: EC2ContainerServiceResponse) -> EC2ContainerServiceBackend:
        return resp.ecs_backend

    def run_task(self: EC2ContainerServiceResponse) -> ActionResult:
        backend = backend_of(self)
        cluster = cluster_of(backend, self._get_param("cluster"))
        count = self._get_int_param("count", 1)
        if not 1 <= count <= 10:
            raise InvalidParameterException("Count must be between 1 and 10.")
        token = self._get_param("clientToken")
        if token:
            previous = store.by_client_token(backend.account_id, backend.region_name, token)
            if previous is not None:
                return ActionResult({"tasks": [t.view() for t in previous], "failures": []})
        task_definition = backend.describe_task_definition(self._get_param("taskDefinition"))
        launch_type = self._get_param("launchType") or "FARGATE"
        if launch_type not in ("EC2", "FARGATE", "EXTERNAL"):
            raise InvalidParameterException("launch type should be one of [EC2,FARGATE,EXTERNAL]")
        if launch_type == "FARGATE" and "FARGATE" not in (task_definition.requires_compatibilities or []) \
                and not task_definition.cpu:
            raise InvalidParameterException(
                "Task definition does not support launch_type FARGATE.")
        network = self._get_param("networkConfiguration")
        validate_network(backend, task_definition, network)
        tasks = store.start(
            account_id=backend.account_id, region=backend.region_name, cluster=cluster,
            task_definition=task_definition, count=count, launch_type=launch_type, network=network,
            overrides=self._get_param("overrides"),
            group=self._get_param("group") or f"family:{task_definition.family}",
            started_by=self._get_param("startedBy") or "", tags=self._get_param("tags"),
            client_token=token,
        )
        return ActionResult({"tasks": [t.view() for t in tasks], "failures": []})

    def describe_tasks(self: EC2ContainerServiceResponse) -> ActionResult:
        backend = backend_of(self)
        cluster = cluster_of(backend, self._get_param("cluster"))
        wanted = self._get_param("tasks") or []
        if not wanted:
            raise InvalidParameterException("Tasks cannot be empty.")
        if len(wanted) > 100:
            raise InvalidParameterException("Tasks cannot have more than 100 elements.")
        include_tags = "TAGS" in (self._get_param("include") or [])
        tasks, failures = describe_many(
            wanted, lambda ref: store.find(backend.account_id, backend.region_name, cluster.arn, ref),
            lambda ref: f"arn:aws:ecs:{backend.region_name}:{backend.account_id}:task/{cluster.name}/{ref}",
            lambda task: task.view(include_tags))
        return ActionResult({"tasks": tasks, "failures": failures})

    def list_tasks(self: EC2ContainerServiceResponse) -> ActionResult:
        backend = backend_of(self)
        cluster = cluster_of(backend, self._get_param("cluster"))
        desired = self._get_param("desiredStatus") or "RUNNING"
        if desired not in ("RUNNING", "PENDING", "STOPPED"):
            raise InvalidParameterException("desiredStatus must be one of RUNNING, PENDING, STOPPED.")
        service = self._get_param("serviceName")
        family = self._get_param("family")
        started_by = self._get_param("startedBy")
        launch_type = self._get_param("launchType")

        def keep(t: SimTask) -> bool:
            if desired == "PENDING":
                if t.desired_status != "RUNNING" or t.last_status == "RUNNING":
                    return False
            elif t.desired_status != desired:
                return False
            if service and t.group != f"service:{service.rsplit('/', 1)[-1]}":
                return False
            if family and t.family != family:
                return False
            if started_by and t.started_by != started_by:
                return False
            return not (launch_type and t.launch_type != launch_type)

        arns = [t.arn for t in store.in_cluster(backend.account_id, backend.region_name, cluster.arn) if keep(t)]
        page = self._get_int_param("maxResults", LIST_PAGE_SIZE)
        start = int(self._get_param("nextToken") or 0)
        result: dict[str, Any] = {"taskArns": arns[start:start + page]}
        if start + page < len(arns):
            result["nextToken"] = str(start + page)
        return ActionResult(result)

    def stop_task(self: EC2ContainerServiceResponse) -> ActionResult:
        backend = backend_of(self)
        cluster = cluster_of(backend, self._get_param("cluster"))
        ref = self._get_param("task") or ""
        task = store.find(backend.account_id, backend.region_name, cluster.arn, ref)
        if task is None:
            raise InvalidParameterException("The referenced task was not found.")
        reason = self._get_param("reason") or "Task stopped by user"
        store.stop(task, reason, "UserInitiated", exit_code=0)
        return ActionResult({"task": task.view()})

    EC2ContainerServiceResponse.run_task = run_task
    EC2ContainerServiceResponse.describe_tasks = describe_tasks
    EC2ContainerServiceResponse.list_tasks = list_tasks
    EC2ContainerServiceResponse.stop_task = stop_task

    # Tags of tasks (TagResource / UntagResource / ListTagsForResource) live on the SimTask.
    original_get_resource = EC2ContainerServiceBackend._get_resource

    def get_resource(self: EC2ContainerServiceBackend, resource_arn: str, parsed_arn: dict[str, str]) -> Any:
        if parsed_arn.get("service") == "task":
            for task in store.tasks.values():
                if task.arn == resource_arn:
                    return task
            raise InvalidParameterException("The specified task is not found.")
        return original_get_resource(self, resource_arn, parsed_arn)

    EC2ContainerServiceBackend._get_resource = get_resource
