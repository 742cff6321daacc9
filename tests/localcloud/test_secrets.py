"""POST /_localcloud/secrets: a Secrets Manager secret with exactly the ARN a spec names."""

import unittest

from botocore.exceptions import ClientError

from harness import LocalCloudTestCase

ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:django-app/secret-key-AbCdEf"
VALUE = "the-secret-key-value-7f3a9c"


class ExactArnSecretTest(LocalCloudTestCase):
    launcher_args = ("--verbose",)  # every request logged: the value still must not be

    def setUp(self):
        super().setUp()
        self.sm = self.client("secretsmanager")

    def test_creates_the_secret_with_exactly_that_arn(self):
        answer = self.control_ok("POST", "secrets", {"arn": ARN, "value": VALUE, "description": "Django key"})
        self.assertEqual(answer, {"arn": ARN, "name": "django-app/secret-key", "created": True, "updated": False})
        described = self.sm.describe_secret(SecretId=ARN)
        self.assertEqual(described["ARN"], ARN)
        self.assertEqual(described["Name"], "django-app/secret-key")
        self.assertEqual(described["Description"], "Django key")
        self.assertEqual(self.sm.get_secret_value(SecretId=ARN)["SecretString"], VALUE)
        # By name too, and listed once.
        self.assertEqual(self.sm.describe_secret(SecretId="django-app/secret-key")["ARN"], ARN)
        self.assertEqual([s["ARN"] for s in self.sm.list_secrets()["SecretList"]], [ARN])
        # The control call is not an AWS call: only the 4 reads above are counted.
        counters = self.control_ok("GET", "counters")["total"]
        self.assertEqual((counters["calls"], counters["mutating"]), (4, 0))

    def test_idempotent_and_a_new_value_becomes_current(self):
        self.control_ok("POST", "secrets", {"arn": ARN, "value": VALUE})
        again = self.control_ok("POST", "secrets", {"arn": ARN, "value": VALUE})
        self.assertEqual((again["created"], again["updated"]), (False, False))
        versions = self.sm.list_secret_version_ids(SecretId=ARN)["Versions"]
        self.assertEqual(len(versions), 1)

        changed = self.control_ok("POST", "secrets", {"arn": ARN, "value": VALUE + "-rotated"})
        self.assertEqual((changed["created"], changed["updated"]), (False, True))
        self.assertEqual(self.sm.get_secret_value(SecretId=ARN)["SecretString"], VALUE + "-rotated")
        self.assertEqual(self.sm.describe_secret(SecretId=ARN)["ARN"], ARN)

    def test_another_secret_of_that_name_is_a_conflict(self):
        made = self.sm.create_secret(Name="django-app/secret-key", SecretString="x")["ARN"]
        self.assertNotEqual(made, ARN)
        status, body = self.control("POST", "secrets", {"arn": ARN, "value": VALUE})
        self.assertEqual(status, 409, body)
        self.assertIn(made, body["error"])
        self.assertEqual(self.sm.get_secret_value(SecretId=made)["SecretString"], "x")

    def test_bad_requests_name_the_field(self):
        for body, field in [
            ({"value": VALUE}, "'arn'"),
            ({"arn": ARN}, "'value'"),
            ({"arn": ARN, "value": ""}, "'value'"),
            ({"arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:key", "value": VALUE}, "'arn'"),
            ({"arn": "arn:aws:ssm:us-east-1:123456789012:parameter/x", "value": VALUE}, "'arn'"),
            ({"arn": ARN, "value": VALUE, "tags": {}}, "tags"),
        ]:
            status, answer = self.control("POST", "secrets", body)
            self.assertEqual(status, 400, (body, answer))
            self.assertIn(field, answer["error"])
            self.assertNotIn(VALUE, answer["error"])
        with self.assertRaises(ClientError):
            self.sm.describe_secret(SecretId=ARN)

    def test_the_arns_region_and_reset_forgets(self):
        other = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-url-GhIjKl"
        self.control_ok("POST", "secrets", {"arn": other, "value": VALUE})
        self.assertEqual(self.client("secretsmanager", region="eu-west-1").describe_secret(SecretId=other)["ARN"],
                         other)
        self.assertEqual(self.sm.list_secrets()["SecretList"], [])
        self.control_ok("POST", "secrets", {"arn": ARN, "value": VALUE})
        self.control_ok("POST", "reset", {})
        with self.assertRaises(ClientError):
            self.sm.describe_secret(SecretId=ARN)

    def test_the_value_is_never_answered_or_logged(self):
        answer = self.control_ok("POST", "secrets", {"arn": ARN, "value": VALUE})
        self.assertNotIn(VALUE, repr(answer))
        self.control_ok("POST", "secrets", {"arn": ARN, "value": VALUE + "-2"})
        self.sm.describe_secret(SecretId=ARN)
        self.assertNotIn(VALUE, self.cloud.output())


if __name__ == "__main__":
    unittest.main()
