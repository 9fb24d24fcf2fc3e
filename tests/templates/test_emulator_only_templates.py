"""An example organization (org.yaml: emulator_only) never reaches AWS: every stack of its templates
declares a parameter without a default that only the emulator gives, and a rule on it
(docs/deploy.md, "Examples never reach AWS"). A spec of real mailboxes declares neither."""

import json
from pathlib import Path

import pytest

from orgboot.rules.accounts import reserved_domain
from tests.conftest import example_variant, synth, template


def stacks(assembly: Path) -> list[str]:
    manifest = json.loads((assembly / "manifest.json").read_text())
    return [name for name, artifact in manifest["artifacts"].items() if artifact["type"] == "aws:cloudformation:stack"]


def real_mailboxes(data: dict) -> None:
    """The example as a company's own: its accounts at a domain it owns, no longer an example."""
    del data["emulator_only"]
    for account in data["accounts"].values():
        account["email"] = account["email"].replace("@example.com", "@mail.acme-corp.net")


# The example turns every part of security_baseline on, and identity_center: each has its stack.
EXAMPLE_STACKS = [
    "OrganizationStack",
    "ManagementBaselineStack",
    "AccountSettingsStack",
    "SecurityServicesStack",
    "IdentityCenterStack",  # its people come in through IAM Identity Center
    "IdentityCenterAssignments",
    "MemberRolesStack",
]


@pytest.fixture(scope="module")
def real_assembly(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("real")
    spec = example_variant(directory, real_mailboxes)
    assert not spec.emulator_only
    assert not [account.email for account in spec.accounts.values() if reserved_domain(account.email)]
    return synth(spec, directory / "cdk.out", directory / "org.yaml")


def test_every_stack_of_an_example_needs_the_emulators_value(example_spec, example_assembly):
    assert example_spec.emulator_only
    assert stacks(example_assembly) == EXAMPLE_STACKS
    for name in stacks(example_assembly):
        body = template(example_assembly, name)
        parameter = body["Parameters"]["EmulatorOnly"]
        assert parameter["Type"] == "String", name
        assert parameter["AllowedValues"] == ["true"], name
        assert "Default" not in parameter, name  # without a value, CloudFormation refuses the stack
        (assertion,) = body["Rules"]["EmulatorOnlyRule"]["Assertions"]
        assert assertion["Assert"] == {"Fn::Equals": [{"Ref": "EmulatorOnly"}, "true"]}, name


def test_a_spec_of_real_mailboxes_declares_no_emulator_only(real_assembly):
    assert stacks(real_assembly) == EXAMPLE_STACKS
    for name in stacks(real_assembly):
        body = template(real_assembly, name)
        assert "EmulatorOnly" not in body.get("Parameters", {}), name
        assert "EmulatorOnlyRule" not in body.get("Rules", {}), name


def test_emulator_only_adds_nothing_else(example_assembly, real_assembly):
    """The same resources and the same other parameters, example or not."""
    for name in stacks(example_assembly):
        example, real = template(example_assembly, name), template(real_assembly, name)
        assert set(example["Resources"]) == set(real["Resources"]), name
        assert set(example.get("Parameters", {})) - {"EmulatorOnly"} == set(real.get("Parameters", {})), name
        assert set(example.get("Rules", {})) - {"EmulatorOnlyRule"} == set(real.get("Rules", {})), name
