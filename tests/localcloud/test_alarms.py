"""Scheduled alarm states: a CloudWatch alarm flips when the local-cloud clock says so, not before."""

import json
import unittest

from harness import LocalCloudTestCase


class AlarmScheduleTest(LocalCloudTestCase):
    def setUp(self):
        super().setUp()
        self.cw = self.client("cloudwatch")

    def put_alarm(self, name="web-5xx"):
        self.cw.put_metric_alarm(
            AlarmName=name, Namespace="AWS/ApplicationELB", MetricName="HTTPCode_Target_5XX_Count",
            Dimensions=[{"Name": "LoadBalancer", "Value": "app/web/0123456789abcdef"}], Statistic="Sum",
            Period=60, EvaluationPeriods=1, Threshold=5, ComparisonOperator="GreaterThanThreshold")

    def alarm(self, name="web-5xx"):
        return self.cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]

    def test_alarm_flips_after_the_delay_and_not_before(self):
        self.put_alarm()
        before = self.alarm()["StateValue"]
        self.assertNotEqual(before, "ALARM")
        scheduled = self.control_ok("POST", "alarms", {"alarm": "web-5xx", "state": "ALARM", "after_seconds": 120,
                                                       "reason": "5xx over threshold (scheduled)"})
        entry = scheduled["scheduled"][0]
        self.assertEqual(entry["status"], "pending")
        self.assertAlmostEqual(entry["due_at"] - scheduled["now"], 120, places=3)

        self.control_ok("POST", "clock", {"advance_seconds": 110})
        self.assertEqual(self.alarm()["StateValue"], before, "flipped before its time")
        listed = self.control_ok("GET", "alarms")["alarms"]
        self.assertEqual(listed[0]["status"], "pending")
        self.assertLessEqual(listed[0]["due_in_seconds"], 10.5)

        now = self.control_ok("POST", "clock", {"advance_seconds": 15})["now"]
        alarm = self.alarm()
        self.assertEqual(alarm["StateValue"], "ALARM")
        self.assertEqual(alarm["StateReason"], "5xx over threshold (scheduled)")
        # StateUpdatedTimestamp is the local cloud's time of the change.
        self.assertAlmostEqual(alarm["StateUpdatedTimestamp"].timestamp(), now, delta=2)
        fired = self.control_ok("GET", "alarms")["alarms"][0]
        self.assertEqual(fired["status"], "fired")
        self.assertEqual(fired["previous_state"], before)
        self.assertGreaterEqual(fired["fired_at"], fired["due_at"])

    def test_alarm_flips_on_the_running_clock(self):
        self.put_alarm()
        self.control_ok("POST", "clock", {"speed": 60})
        self.control_ok("POST", "alarms", [
            {"alarm": "web-5xx", "state": "ALARM", "after_seconds": 30},
            {"alarm": "web-5xx", "state": "OK", "after_seconds": 90, "reason": "recovered"},
        ])
        self.assertNotEqual(self.alarm()["StateValue"], "ALARM")

        def fired(index):
            entries = self.control_ok("GET", "alarms")["alarms"]
            return entries if entries[index]["status"] == "fired" else None

        self.wait_for(lambda: fired(0), 10, "ALARM after 30 s")
        state = self.alarm()["StateValue"]  # read before the schedule: if OK was still pending, it is ALARM
        if self.control_ok("GET", "alarms")["alarms"][1]["status"] == "pending":
            self.assertEqual(state, "ALARM")
        entries = self.wait_for(lambda: fired(1), 10, "OK after 90 s")
        self.assertEqual((self.alarm()["StateValue"], self.alarm()["StateReason"]), ("OK", "recovered"))
        for entry in entries:
            self.assertGreaterEqual(entry["fired_at"], entry["due_at"])
        self.assertEqual(entries[1]["previous_state"], "ALARM")

    def test_zero_delay_sets_the_state_at_once(self):
        self.put_alarm()
        done = self.control_ok("POST", "alarms", {"alarm": "web-5xx", "state": "INSUFFICIENT_DATA",
                                                  "after_seconds": 0})
        self.assertEqual(done["scheduled"][0]["status"], "fired")
        self.assertEqual(self.alarm()["StateValue"], "INSUFFICIENT_DATA")

    def test_missing_alarm_fails_at_the_due_time(self):
        self.control_ok("POST", "alarms", {"alarm": "nope", "state": "ALARM", "after_seconds": 5})
        self.assertEqual(self.control_ok("GET", "alarms")["alarms"][0]["status"], "pending")
        self.control_ok("POST", "clock", {"advance_seconds": 6})
        entry = self.control_ok("GET", "alarms")["alarms"][0]
        self.assertEqual(entry["status"], "failed")
        self.assertIn("'nope' does not exist", entry["error"])
        self.assertEqual(self.cw.describe_alarms(AlarmNames=["nope"])["MetricAlarms"], [])

    def test_alarm_created_after_scheduling_is_set(self):
        self.control_ok("POST", "alarms", {"alarm": "later", "state": "ALARM", "after_seconds": 5})
        self.put_alarm("later")
        self.control_ok("POST", "clock", {"advance_seconds": 6})
        self.assertEqual(self.alarm("later")["StateValue"], "ALARM")

    def test_state_change_goes_to_eventbridge(self):
        self.put_alarm()
        sqs, events = self.client("sqs"), self.client("events")
        url = sqs.create_queue(QueueName="alarms")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(Name="alarms", EventPattern=json.dumps(
            {"source": ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"],
             "detail": {"state": {"value": ["ALARM"]}}}))
        events.put_targets(Rule="alarms", Targets=[{"Id": "q", "Arn": arn}])
        self.control_ok("POST", "alarms", {"alarm": "web-5xx", "state": "ALARM", "after_seconds": 0,
                                           "reason": "scheduled"})
        message = json.loads(sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"])
        self.assertEqual(message["source"], "aws.cloudwatch")
        self.assertEqual(message["resources"], [self.alarm()["AlarmArn"]])
        detail = message["detail"]
        self.assertEqual(detail["alarmName"], "web-5xx")
        self.assertEqual((detail["state"]["value"], detail["state"]["reason"]), ("ALARM", "scheduled"))
        self.assertRegex(detail["state"]["timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")
        self.assertIn("value", detail["previousState"])
        metric = detail["configuration"]["metrics"][0]["metricStat"]["metric"]
        self.assertEqual(metric["name"], "HTTPCode_Target_5XX_Count")
        self.assertEqual(metric["dimensions"], {"LoadBalancer": "app/web/0123456789abcdef"})

    def test_delete_and_reset_forget_the_schedule(self):
        self.control_ok("POST", "alarms", {"alarm": "a", "state": "OK", "after_seconds": 50})
        self.assertEqual(self.control_ok("DELETE", "alarms"), {"alarms": []})
        self.assertEqual(self.control_ok("GET", "alarms")["alarms"], [])
        self.control_ok("POST", "alarms", {"alarm": "a", "state": "OK", "after_seconds": 50})
        self.control_ok("POST", "reset", {"seed": self.seed})
        self.assertEqual(self.control_ok("GET", "alarms")["alarms"], [])

    def test_validation_names_the_field_and_adds_nothing(self):
        good = {"alarm": "a", "state": "ALARM", "after_seconds": 1}
        cases = [
            ({"state": "ALARM", "after_seconds": 1}, "'alarm' is required"),
            ({**good, "alarm": ""}, "'alarm'"),
            ({**good, "state": "alarm"}, "'state' must be one of"),
            ({"alarm": "a", "state": "OK"}, "'after_seconds' is required"),
            ({**good, "after_seconds": -1}, "'after_seconds' must be a number >= 0"),
            ({**good, "after_seconds": True}, "'after_seconds'"),
            ({**good, "after_seconds": "5"}, "'after_seconds'"),
            ({**good, "reason": 7}, "'reason'"),
            ({**good, "delay": 3}, "unknown field(s) ['delay']"),
            ([], "empty"),
            ("ALARM", "must be an object"),
            ([good, {**good, "state": "RED"}], "entry 1: field 'state'"),
        ]
        for body, expected in cases:
            with self.subTest(body=body):
                status, answer = self.control("POST", "alarms", body)
                self.assertEqual(status, 400, answer)
                self.assertIn(expected, answer["error"])
        self.assertEqual(self.control_ok("GET", "alarms")["alarms"], [], "a bad list adds nothing")


if __name__ == "__main__":
    unittest.main()
