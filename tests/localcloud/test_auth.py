"""Auth mode (--auth): moto checks signatures and IAM; the local cloud makes the admin key."""

import json
import os
import tempfile
import unittest

from botocore.config import Config
from botocore.exceptions import ClientError

from harness import LocalCloudTestCase

NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})
CREDENTIALS_FILE = os.path.join(tempfile.gettempdir(), f"localcloud-test-auth-{os.getpid()}.json")


class AuthTest(LocalCloudTestCase):
    launcher_args = ("--auth", "--credentials-file", CREDENTIALS_FILE)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        if os.path.exists(CREDENTIALS_FILE):
            os.unlink(CREDENTIALS_FILE)

    def setUp(self):
        super().setUp()
        self.credentials = self.control_ok("GET", "credentials")

    clients: dict = {}

    def signed_client(self, service, key_id=None, secret=None):
        key = (service, key_id or self.credentials["aws_access_key_id"],
               secret or self.credentials["aws_secret_access_key"])
        if key not in self.clients:  # making a client costs ~0.1 s
            self.clients[key] = self.cloud.client(service, config=NO_RETRIES, aws_access_key_id=key[1],
                                                  aws_secret_access_key=key[2])
        return self.clients[key]

    def error_of(self, call):
        with self.assertRaises(ClientError) as caught:
            call()
        return caught.exception.response

    def test_the_created_key_works(self):
        with open(CREDENTIALS_FILE, encoding="utf-8") as f:
            self.assertEqual(json.load(f), self.credentials)
        self.assertEqual(os.stat(CREDENTIALS_FILE).st_mode & 0o777, 0o600)
        self.assertRegex(self.credentials["aws_access_key_id"], r"^AKIA[A-Z2-7]{16}$")
        self.assertEqual(len(self.credentials["aws_secret_access_key"]), 40)
        ident = self.signed_client("sts").get_caller_identity()
        self.assertEqual(ident["Arn"], "arn:aws:iam::123456789012:user/localcloud-admin")
        self.assertEqual(ident["Arn"], self.credentials["user_arn"])
        self.signed_client("ecs").create_cluster(clusterName="allowed")  # AdministratorAccess
        self.signed_client("ec2").describe_vpcs()

    def test_wrong_secret_fails_with_a_signature_error(self):
        error = self.error_of(lambda: self.signed_client("sts", secret="x" * 40).get_caller_identity())
        self.assertEqual(error["Error"]["Code"], "SignatureDoesNotMatch")
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 403)
        error = self.error_of(lambda: self.signed_client("ec2", secret="x" * 40).describe_vpcs())
        self.assertEqual((error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]), ("AuthFailure", 401))

    def test_unknown_key_id_fails(self):
        unknown = "AKIAIOSFODNN7EXAMPLE"
        error = self.error_of(lambda: self.signed_client("sts", key_id=unknown).get_caller_identity())
        self.assertEqual((error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]),
                         ("InvalidClientTokenId", 403))
        error = self.error_of(lambda: self.signed_client("ecs", key_id=unknown).list_clusters())
        # moto answers in XML also for JSON services; botocore's JSON parser falls back to the status
        self.assertEqual((error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]), ("403", 403))

    def test_failures_are_counted_as_auth(self):
        self.signed_client("sts").get_caller_identity()
        for client in (self.signed_client("sts", secret="y" * 40), self.signed_client("sts", key_id="AKIA0000")):
            self.error_of(client.get_caller_identity)
        op = self.control_ok("GET", "counters")["services"]["sts"]["operations"]["GetCallerIdentity"]
        self.assertEqual((op["calls"], op["auth"], op["2xx"]), (3, 2, 1))

    def test_the_same_key_survives_resets_to_any_seed(self):
        self.signed_client("ecs").create_cluster(clusterName="before")
        self.control_ok("POST", "reset", {"seed": self.seed + 1})
        self.assertEqual(self.control_ok("GET", "credentials"), self.credentials)
        ecs = self.signed_client("ecs")
        self.assertEqual(ecs.list_clusters()["clusterArns"], [], "reset wiped ECS, not the admin key")


if __name__ == "__main__":
    unittest.main()
