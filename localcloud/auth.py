"""moto's auth mode (--auth): SigV4 signatures and IAM policies are checked on every call.

    python3 -m localcloud --auth [--credentials-file creds.json]
    GET /_localcloud/credentials   the key to sign with (409 when auth mode is off)

    {"aws_access_key_id": "AKIA...", "aws_secret_access_key": "...",
     "user_name": "localcloud-admin", "user_arn": "arn:aws:iam::123456789012:user/localcloud-admin",
     "account_id": "123456789012"}

moto decides per call whether to authenticate by comparing how many calls it has seen
with settings.INITIAL_NO_AUTH_ACTION_COUNT (read from the environment at import;
infinite by default); install() sets it to 0 at run time. An IAM user
"localcloud-admin" with the AWS managed policy AdministratorAccess and one access key is
put straight into moto's IAM backend (not over HTTP) after every reset, since a reset
wipes IAM. The key id and secret are a function of the launcher's --seed alone, so they
stay the same across resets (also resets to another seed) and across runs: a credentials
file written once stays valid. Creating the user and key leaves moto's random generators
as they were, so resource ids are a function of the seed; they match the ids without
--auth up to the second call after a reset, where moto (without --auth) builds IAM
backends for the other partitions, which account_of_key() spares auth mode.

Calls signed with an unknown key id or a wrong secret get moto's answers: HTTP 403
InvalidClientTokenId / SignatureDoesNotMatch (EC2: 401 AuthFailure), as XML, also for
JSON services (botocore then reports the HTTP status as the error code). The control
endpoint is never authenticated.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import logging
import os
import random
from typing import Any

from localcloud.cloud import ControlError, ControlRequest, LocalCloud

log = logging.getLogger("localcloud")

ADMIN_USER = "localcloud-admin"
ADMIN_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


def admin_key(seed: int) -> tuple[str, str]:
    """(access key id, secret access key) for `seed`: "AKIA" + 16 of A-Z2-7, and 40 base64 characters."""
    def digest(what: str) -> bytes:
        return hashlib.sha256(f"localcloud-admin-{what}/{seed}".encode()).digest()

    key_id = "AKIA" + base64.b32encode(digest("key-id")[:10]).decode()
    secret = base64.b64encode(digest("secret")[:30]).decode()
    return key_id, secret


def enable_moto_auth() -> None:
    """Makes moto authenticate every call from now on."""
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.iam import models as iam_models

    settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
    ActionAuthenticatorMixin.request_count = 0
    iam_models.get_account_id_from = account_of_key


def account_of_key(access_key: str) -> str:
    """moto's get_account_id_from without its side effect.

    moto's looks the key up in every partition's IAM backend of every account, building
    the missing ones (~0.15 s each, drawing random numbers) on the first signed call after
    each reset. A backend built for the lookup holds no keys, so looking only at the
    backends that exist gives the same answer. moto calls it by module attribute
    (moto.core.responses imports it per call), so replacing the attribute is enough.
    """
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam.models import iam_backends

    for account_id, account in list(iam_backends.items()):
        for backend in list(account.values()):
            if access_key in backend.access_keys:
                return account_id
    return DEFAULT_ACCOUNT_ID


class Auth:
    """The admin user of auth mode. A LocalCloud component; used under the cloud's lock."""

    def __init__(self, cloud: LocalCloud, key_seed: int) -> None:
        self._cloud = cloud
        self.access_key_id, self.secret_access_key = admin_key(key_seed)

    @property
    def user_arn(self) -> str:
        return f"arn:aws:iam::{self._cloud.account_id}:user/{ADMIN_USER}"

    def credentials(self) -> dict[str, str]:
        return {"aws_access_key_id": self.access_key_id, "aws_secret_access_key": self.secret_access_key,
                "user_name": ADMIN_USER, "user_arn": self.user_arn, "account_id": self._cloud.account_id}

    def write(self, path: str) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(self.credentials(), f, indent=2)
            f.write("\n")

    # -- component ---------------------------------------------------------

    def reset(self) -> None:
        """Puts the admin user and its key into moto's (freshly reset) IAM backend."""
        from moto.iam.models import AccessKey, iam_backends
        from moto.moto_api._internal import mock_random

        account = self._cloud.account_id
        try:  # on the record: without --auth moto builds it on the first call after a reset
            iam_backends[account]["aws"]
        except Exception:
            log.exception("auth: could not build moto's IAM backend")
        states = (random.getstate(), mock_random.getstate())
        try:  # the user and key are made off the record
            backend = iam_backends[account]["aws"]
            if ADMIN_USER not in backend.users:
                backend.create_user(region_name="us-east-1", user_name=ADMIN_USER)
                backend.attach_user_policy(ADMIN_POLICY_ARN, ADMIN_USER)
            user = backend.users[ADMIN_USER]
            if self.access_key_id not in backend.access_keys:
                key = AccessKey(ADMIN_USER, prefix="AKIA", account_id=account)
                key.access_key_id = self.access_key_id
                key.secret_access_key = self.secret_access_key
                user.access_keys.append(key)
                backend.access_keys[key.access_key_id] = key
        except Exception:  # without the user nothing can be called; say so once, loudly
            log.exception("auth: could not create IAM user %s; signed calls will be refused", ADMIN_USER)
        finally:
            random.setstate(states[0])
            mock_random.setstate(states[1])

    def tick(self, now: float) -> None:
        pass

    def _get(self, _req: ControlRequest) -> Any:
        return self.credentials()


def _auth_off(_req: ControlRequest) -> Any:
    raise ControlError("credentials: auth mode is off; start the local cloud with --auth", status=409)


def install(cloud: LocalCloud, args: argparse.Namespace) -> Auth | None:
    if not getattr(args, "auth", False):
        cloud.add_route("GET", "credentials", _auth_off)
        return None
    auth = cloud.add(Auth(cloud, key_seed=args.seed))
    enable_moto_auth()
    cloud.add_route("GET", "credentials", auth._get)
    path = getattr(args, "credentials_file", "")
    if path:
        try:
            auth.write(path)
        except OSError as err:
            raise SystemExit(f"localcloud: cannot write --credentials-file {path}: {err.strerror}") from err
    return auth
