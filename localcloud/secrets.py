"""Secrets Manager secrets with an exact ARN, as a spec names them.

    POST /_localcloud/secrets   {"arn": ARN, "value": TEXT, "description": TEXT}

AWS ends a secret's ARN with "-" and 6 random characters, so a spec that names
`arn:aws:secretsmanager:us-east-1:123456789012:secret:app/key-AbCdEf` cannot be
matched by CreateSecret. This route creates the secret `app/key` (in the ARN's
account and region) through moto's own CreateSecret, with the ARN's suffix
instead of a random one, so everything else (versions, DescribeSecret,
GetSecretValue, deletion) is moto's. Idempotent: a secret with that ARN is kept
and gets `value` as a new AWSCURRENT version only when its value differs. A
secret of that name with another ARN is a conflict (409).

The value is never logged and never returned: the answer is
{"arn", "name", "created", "updated"}.
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from localcloud.cloud import ControlError, ControlRequest, LocalCloud

# arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX
_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):secretsmanager:(?P<region>[a-z]{2}(-[a-z]+)+-\d+):"
    r"(?P<account>\d{12}):secret:(?P<name>[A-Za-z0-9/_+=.@-]{1,512})-(?P<suffix>[A-Za-z0-9]{6})$"
)
_FIELDS = ("arn", "value", "description")


def parse_arn(arn: str) -> dict[str, str]:
    """The ARN's partition, region, account, name and suffix; ControlError when it is not a
    Secrets Manager secret ARN with the 6-character suffix."""
    match = _ARN.match(arn)
    if match is None:
        raise ControlError("secrets: field 'arn' must be a Secrets Manager secret ARN ending in "
                           "'-' and 6 letters or digits, e.g. "
                           "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/key-AbCdEf")
    from moto.utilities.utils import get_partition

    fields = match.groupdict()
    if get_partition(fields["region"]) != fields["partition"]:
        raise ControlError(f"secrets: region {fields['region']} is not in partition {fields['partition']}")
    return fields


class ExactArnSecrets:
    """The control route. Runs under LocalCloud.lock; keeps no state of its own."""

    def __init__(self, cloud: LocalCloud):
        self._cloud = cloud

    def post(self, req: ControlRequest) -> Any:
        if not isinstance(req.body, dict):
            raise ControlError("secrets: body must be a JSON object with 'arn' and 'value'")
        unknown = sorted(set(req.body) - set(_FIELDS))
        if unknown:
            raise ControlError(f"secrets: unknown field(s) {unknown}; use {list(_FIELDS)}")
        arn = req.field("arn", str)
        value = req.field("value", str)
        description = req.field("description", str, None)
        if not value:
            raise ControlError("secrets: field 'value' must be a non-empty string")
        fields = parse_arn(arn)

        from moto.secretsmanager.models import secretsmanager_backends

        backend = secretsmanager_backends[fields["account"]][fields["region"]]
        name = fields["name"]
        existing = backend.secrets.get(name)
        if existing is not None:
            if existing.arn != arn:
                raise ControlError(f"secrets: a secret named {name} already exists with ARN {existing.arn}; "
                                   f"delete it (force-delete-without-recovery) first", status=409)
            if getattr(existing, "is_deleted", lambda: False)():
                raise ControlError(f"secrets: {arn} is scheduled for deletion; restore it first", status=409)
            if existing.secret_string == value:
                return {"arn": arn, "name": name, "created": False, "updated": False}
            backend.put_secret_value(secret_id=arn, secret_string=value, secret_binary=None,
                                     client_request_token=None, version_stages=["AWSCURRENT"])
            return {"arn": arn, "name": name, "created": False, "updated": True}

        self._create(backend, fields, value, description)
        created = backend.secrets.get(name)
        if created is None or created.arn != arn:  # moto ignored the custom id: say so, don't pretend
            raise ControlError(f"secrets: moto made {getattr(created, 'arn', None)} instead of {arn}", status=500)
        return {"arn": arn, "name": name, "created": True, "updated": False}

    @staticmethod
    def _create(backend: Any, fields: dict[str, str], value: str, description: str | None) -> None:
        """moto's CreateSecret with the ARN's suffix as the id for this one call."""
        from moto.secretsmanager.utils import SecretsManagerSecretIdentifier
        from moto.utilities.id_generator import moto_id_manager

        identifier = SecretsManagerSecretIdentifier(fields["account"], fields["region"], fields["name"])
        moto_id_manager.set_custom_id(identifier, fields["suffix"])
        try:
            backend.create_secret(name=fields["name"], secret_string=value, secret_binary=None,
                                  description=description, tags=None, kms_key_id=None,
                                  client_request_token=None, replica_regions=[], force_overwrite=False)
        except Exception as err:  # moto's validation; its messages never carry the value
            raise ControlError(f"secrets: {type(err).__name__}: {err}", status=409) from None
        finally:
            moto_id_manager.unset_custom_id(identifier)


def install(cloud: LocalCloud, _args: argparse.Namespace) -> ExactArnSecrets:
    secrets = ExactArnSecrets(cloud)
    cloud.add_route("POST", "secrets", secrets.post)
    return secrets
