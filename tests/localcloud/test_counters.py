"""Call counters: every AWS call by service and operation, zeroed by DELETE and by reset."""

import unittest

from botocore.config import Config
from botocore.exceptions import ClientError

from harness import LocalCloudTestCase

NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})
KEYS = {"calls", "mutating", "2xx", "3xx", "4xx", "5xx", "throttled", "error5xx", "latency", "rate_limited", "auth"}


class CountersTest(LocalCloudTestCase):
    clients: dict = {}

    def client(self, service):
        if service not in self.clients:  # one per service: making a client costs ~0.1 s
            self.clients[service] = self.cloud.client(service, config=NO_RETRIES)
        return self.clients[service]

    def counters(self):
        return self.control_ok("GET", "counters")

    def test_counts_by_service_operation_status_and_mutation(self):
        ecs = self.client("ecs")
        ecs.create_cluster(clusterName="a")
        ecs.create_cluster(clusterName="b")
        ecs.describe_clusters(clusters=["a"])
        with self.assertRaises(ClientError):
            ecs.describe_services(cluster="missing", services=["x"])  # moto: ClusterNotFoundException, 400
        self.client("sts").get_caller_identity()

        counts = self.counters()
        self.assertEqual(set(counts), {"since", "total", "services"})
        self.assertEqual(set(counts["services"]), {"ecs", "sts"})
        ops = counts["services"]["ecs"]["operations"]
        self.assertEqual(set(ops["CreateCluster"]), KEYS, "every key, zeros included")
        self.assertEqual((ops["CreateCluster"]["calls"], ops["CreateCluster"]["mutating"],
                          ops["CreateCluster"]["2xx"]), (2, 2, 2))
        self.assertEqual((ops["DescribeClusters"]["calls"], ops["DescribeClusters"]["mutating"]), (1, 0))
        self.assertEqual((ops["DescribeServices"]["4xx"], ops["DescribeServices"]["2xx"]), (1, 0))
        self.assertEqual(counts["services"]["ecs"]["total"]["calls"], 4)
        self.assertEqual(counts["total"]["calls"], 5)
        self.assertEqual(counts["total"]["2xx"] + counts["total"]["4xx"], 5)

    def test_control_calls_are_not_counted(self):
        for _ in range(3):
            self.control_ok("GET", "clock")
            self.counters()
        self.assertEqual(self.counters()["total"]["calls"], 0)

    def test_delete_and_reset_zero_them(self):
        self.client("ecs").list_clusters()
        zeroed = self.control_ok("DELETE", "counters")
        self.assertEqual((zeroed["total"]["calls"], zeroed["services"]), (0, {}))
        self.client("ecs").list_clusters()
        self.assertEqual(self.counters()["total"]["calls"], 1)
        self.control_ok("POST", "reset", {})
        self.assertEqual(self.counters()["total"]["calls"], 0)


if __name__ == "__main__":
    unittest.main()
