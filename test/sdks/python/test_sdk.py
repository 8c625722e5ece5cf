"""The generated Python SDK (plugin-sdks/python) in a Python program under
pulumi.runtime.set_mocks: the resource types, the inputs the engine would
receive (names, defaults, nested types, outputs of one resource as inputs of
another) and the secret marking (the key and the relay secret sent wrapped as
secrets, listed as secret outputs, and secret in the resources' outputs). Run by test/sdks/python.test.ts with the SDK installed
from its folder into a Python environment with PyPI's pulumi.
"""

import unittest

import pulumi
from pulumi.runtime import mocks as pulumi_mocks

PROJECT = "5f1e2d3c4b5a69788796a5b4"
KEY = "0123456789abcdef0123456789abcdef"
RELAY_SECRET = "relay-secret-at-least-32-characters-long"
# The signature that marks a secret value on the wire (sdk/go/common/resource/sig).
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
SIG_KEY = "4dabf18193072939515e22adb298388d"


class Mocks(pulumi.runtime.Mocks):
    """Answers each registration with its inputs plus what the provider would add."""

    def __init__(self):
        self.created = []

    def new_resource(self, args):
        self.created.append(args)
        outs = dict(args.inputs)
        if args.typ == "pagerduty-as-code:index:PagerDutyIntegration":
            outs.update(instanceId="instance-1", integrationId="integration-1", keyLast4=KEY[-4:], keyLength=len(KEY), retiredKeys=[])
        else:
            outs.update(alertConfigId=f"config-{args.name}")
        return [f"{args.name}-id", outs]

    def call(self, args):
        return {}


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """The mock engine, keeping each raw registration (for the outputs the SDK asks to keep secret)."""

    def __init__(self, mocks):
        super().__init__(mocks)
        self.requests = {}

    def RegisterResource(self, request):
        self.requests[request.name] = request
        return super().RegisterResource(request)


mocks = Mocks()
monitor = RecordingMonitor(mocks)
pulumi.runtime.set_mocks(mocks, preview=False, monitor=monitor)

# Imported after set_mocks, as Pulumi's mock tests require.
import pulumi_pagerduty_as_code as pdac  # noqa: E402


def secret(value):
    """A value as the engine receives a secret: wrapped with the secret signature."""
    return {SIG_KEY: SECRET_SIG, "value": value}


def inputs_of(name):
    return next(a for a in mocks.created if a.name == name)


class GeneratedPythonSdk(unittest.TestCase):
    maxDiff = None

    @pulumi.runtime.test
    def test_integration_and_routings(self):
        pd = pdac.PagerDutyIntegration("pd", project_id=PROJECT, integration_key=KEY, initial_alert=pdac.InitialAlertArgs(keep_open=True))
        native = pdac.AlertRouting(
            "no-primary",
            project_id=pd.project_id,
            integration_instance_id=pd.instance_id,
            region=pd.region,
            event_type_name="NO_PRIMARY",
            severity="CRITICAL",
        )
        relayed = pdac.AlertRouting(
            "disk",
            project_id=PROJECT,
            delivery="relay",
            relay_url="https://relay.example.com/atlas/webhook",
            relay_secret=RELAY_SECRET,
            event_type_name="OUTSIDE_METRIC_THRESHOLD",
            metric_threshold=pdac.MetricThresholdArgs(metric_name="DISK_PARTITION_SPACE_USED_DATA", operator="GREATER_THAN", threshold=90, units="RAW"),
            matchers=[pdac.MatcherArgs(field_name="REPLICA_SET_NAME", operator="EQUALS", value="rs0")],
        )

        async def check():
            key_secret = await pd.integration_key.is_secret()
            relay_secret = await relayed.relay_secret.is_secret()
            instance = await native.integration_instance_id.future()
            self.assertTrue(key_secret, "integrationKey output is secret")
            self.assertTrue(relay_secret, "relaySecret output is secret")
            self.assertFalse(await pd.project_id.is_secret())
            self.assertEqual(instance, "instance-1")

            self.assertEqual(inputs_of("pd").typ, "pagerduty-as-code:index:PagerDutyIntegration")
            self.assertEqual(
                dict(inputs_of("pd").inputs),
                {
                    "projectId": PROJECT,
                    "integrationKey": secret(KEY),
                    "region": "US",
                    # The type's defaults, from the schema, filled in by the SDK.
                    "initialAlert": {
                        "keepOpen": True,
                        "severity": "info",
                        "summary": "Test alert: MongoDB Atlas project is now integrated with PagerDuty (sent by Pulumi)",
                    },
                },
            )
            self.assertEqual(sorted(monitor.requests["pd"].additionalSecretOutputs), ["integrationKey", "retiredKeys"])

            self.assertEqual(inputs_of("no-primary").typ, "pagerduty-as-code:index:AlertRouting")
            self.assertEqual(
                dict(inputs_of("no-primary").inputs),
                {
                    "projectId": PROJECT,
                    "integrationInstanceId": "instance-1",
                    "region": "US",
                    "eventTypeName": "NO_PRIMARY",
                    "severity": "CRITICAL",
                    "delayMin": 0,
                    "enabled": True,
                    "delivery": "native",
                },
            )
            self.assertEqual(
                dict(inputs_of("disk").inputs),
                {
                    "projectId": PROJECT,
                    "region": "US",
                    "delivery": "relay",
                    "relayUrl": "https://relay.example.com/atlas/webhook",
                    "relaySecret": secret(RELAY_SECRET),
                    "eventTypeName": "OUTSIDE_METRIC_THRESHOLD",
                    "metricThreshold": {"metricName": "DISK_PARTITION_SPACE_USED_DATA", "operator": "GREATER_THAN", "threshold": 90, "units": "RAW", "mode": "AVERAGE"},
                    "matchers": [{"fieldName": "REPLICA_SET_NAME", "operator": "EQUALS", "value": "rs0"}],
                    "delayMin": 0,
                    "enabled": True,
                },
            )
            self.assertEqual(list(monitor.requests["disk"].additionalSecretOutputs), ["relaySecret"])

        return check()

    @pulumi.runtime.test
    def test_alert_notification(self):
        # A kind added to the registry later (issue 19): in the SDK by regenerating it.
        attached = pdac.AlertNotification(
            "defaults",
            project_id=PROJECT,
            region="US",
            delay_min=0,
            delivery="relay",
            relay_url="https://relay.example.com/atlas/webhook",
            relay_secret=RELAY_SECRET,
            selector=pdac.AlertNotificationSelectorArgs(defaults=True, event_type_names=["NO_PRIMARY"]),
        )

        async def check():
            self.assertTrue(await attached.relay_secret.is_secret())
            self.assertEqual(inputs_of("defaults").typ, "pagerduty-as-code:index:AlertNotification")
            self.assertEqual(
                dict(inputs_of("defaults").inputs),
                {
                    "projectId": PROJECT,
                    "region": "US",
                    "delayMin": 0,
                    "delivery": "relay",
                    "relayUrl": "https://relay.example.com/atlas/webhook",
                    "relaySecret": secret(RELAY_SECRET),
                    "selector": {"defaults": True, "eventTypeNames": ["NO_PRIMARY"]},
                },
            )
            self.assertEqual(list(monitor.requests["defaults"].additionalSecretOutputs), ["relaySecret"])

        return check()

    def test_required_inputs_are_named(self):
        with self.assertRaisesRegex(TypeError, "Missing required property 'project_id'"):
            pdac.PagerDutyIntegration("no-project", integration_key=KEY)
        with self.assertRaisesRegex(TypeError, "Missing required property 'event_type_name'"):
            pdac.AlertRouting("no-event", project_id=PROJECT)

    def test_package_metadata(self):
        # The plugin the SDK asks the engine for: its name and version (pulumi-plugin.json).
        import importlib.resources
        import json

        meta = json.loads(importlib.resources.files("pulumi_pagerduty_as_code").joinpath("pulumi-plugin.json").read_text())
        self.assertEqual(meta, {"resource": True, "name": "pagerduty-as-code", "version": "0.2.0"})


if __name__ == "__main__":
    unittest.main(verbosity=2)
