"""ListTaskDefinitions as ECS answers it (sorted, paged) and RegisterTaskDefinition's tags.

moto lists every matching revision in one answer, in registration order, and
ignores `sort`, `maxResults` and `nextToken`; its RegisterTaskDefinition
answer leaves out the `tags` ECS returns.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.responses import EC2ContainerServiceResponse

from localcloud.cloud import LocalCloud

LIST_MAX_PAGE = 100
STATUSES = ("ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS")


def install(_cloud: LocalCloud) -> None:
    original_register = EC2ContainerServiceResponse.register_task_definition

    def register_task_definition(self: EC2ContainerServiceResponse) -> ActionResult:
        result = original_register(self)
        task_definition = result.result["taskDefinition"]  # type: ignore[index]
        tags = self.ecs_backend.list_tags_for_resource(task_definition.arn)
        return ActionResult({"taskDefinition": task_definition, "tags": tags})

    def list_task_definitions(self: EC2ContainerServiceResponse) -> ActionResult:
        family = self._get_param("familyPrefix")
        status = self._get_param("status") or "ACTIVE"
        if status not in STATUSES:
            raise InvalidParameterException(f"status should be one of [{','.join(STATUSES)}]")
        order = self._get_param("sort") or "ASC"
        if order not in ("ASC", "DESC"):
            raise InvalidParameterException("sort should be one of [ASC,DESC]")
        page = self._get_int_param("maxResults", LIST_MAX_PAGE)
        if not 1 <= page <= LIST_MAX_PAGE:
            raise InvalidParameterException(f"maxResults must be between 1 and {LIST_MAX_PAGE}.")
        # ECS: lexicographically by family, then by revision; DESC reverses both.
        found: list[Any] = [
            td for revisions in self.ecs_backend.task_definitions.values() for td in revisions.values()
            if (not family or td.family == family) and td.status == status]
        found.sort(key=lambda td: (td.family, td.revision), reverse=order == "DESC")
        token = self._get_param("nextToken") or "0"
        start = int(token) if token.isdigit() else 0
        result: dict[str, Any] = {"taskDefinitionArns": [td.arn for td in found[start:start + page]]}
        if start + page < len(found):
            result["nextToken"] = str(start + page)
        return ActionResult(result)

    EC2ContainerServiceResponse.register_task_definition = register_task_definition
    EC2ContainerServiceResponse.list_task_definitions = list_task_definitions
