"""orgboot import reads IAM Identity Center too (issue 26): an organization with Identity Center set
up (seeded with public boto3 calls, as tests/support/identity_center.py says) imports to an org.yaml
that validates and whose identity_center is the source's: the same region, permission sets and
(group, permission set) pairs per account, with targets collapsed to Root and OUs. What org.yaml
cannot say (a user's assignment, an account orgboot does not manage) is a comment, never dropped."""

import json
from pathlib import Path

import pytest
import yaml

from orgboot.cli.main import main
from orgboot.emulator.aws import emulated_aws, management
from orgboot.rules import load_spec
from orgboot.spec import OrgSpec
from orgboot.spec.identity_center import MANAGEMENT
from tests.support.identity_center import create_organization, seed_identity_center

REGION = "eu-west-1"
PLATFORM_ADMIN = {"Version": "2012-10-17", "Statement": [{"Sid": "NoAccessRole", "Effect": "Deny", "Action": "sts:AssumeRole",
                  "Resource": "arn:aws:iam::*:role/OrganizationAccountAccessRole"}]}  # fmt: skip
ACCOUNTS = {  # key -> (name, OU)
    "log-archive": ("Log Archive", "Security"),
    "audit": ("Audit", "Security"),
    "shop-prod": ("Shop Prod", "Workloads/Prod"),
    "shop-dev": ("Shop Dev", "Workloads/Dev"),
    "payments-dev": ("Payments Dev", "Workloads/Dev"),
    "sandbox-1": ("Sandbox 1", "Sandbox"),
}
SOURCE = f"""
organizational_units: [Security, Workloads/Prod, Workloads/Dev, Sandbox]
accounts:
{"".join(f"  {key}: {{name: {name}, email: aws+{key}@acme-corp.io, ou: {ou}}}{chr(10)}" for key, (name, ou) in ACCOUNTS.items())}
identity_center:
  region: {REGION}
  permission_sets:
    PlatformAdmin:
      description: Full administration, for the platform team.
      managed_policies: [AdministratorAccess]
      inline_policy: policies/identity-center/platform-admin.json
    Developer:
      managed_policies: [PowerUserAccess]
      customer_managed_policies: [{{name: workload-boundary, path: /}}]
      session_hours: 8
      relay_state: https://console.aws.amazon.com/console/home
    Auditor:
      description: Read security configuration.
      managed_policies: [SecurityAudit, ReadOnlyAccess]
      session_hours: 4
  assignments:
    - {{group: Platform, permission_set: PlatformAdmin, targets: [Security, Workloads, Sandbox, management]}}
    - {{group: Developers, permission_set: Developer, targets: [Workloads/Dev, Sandbox]}}
    - {{group: Developers, permission_set: Auditor, targets: [shop-prod]}}
    - {{group: Security Team, permission_set: Auditor, targets: [Root]}}
"""


@pytest.fixture
def source(tmp_path: Path) -> tuple[OrgSpec, Path]:
    folder = tmp_path / "source"
    (folder / "policies" / "identity-center").mkdir(parents=True)
    (folder / "policies" / "identity-center" / "platform-admin.json").write_text(json.dumps(PLATFORM_ADMIN))
    (folder / "org.yaml").write_text(SOURCE)
    return load_spec(folder / "org.yaml"), folder / "org.yaml"


@pytest.fixture
def organization(source):
    """The source's organization in moto, and Identity Center as it declares it; the account IDs by key."""
    spec, path = source
    with emulated_aws():
        aws = management()
        ids = create_organization(aws, spec)
        seed_identity_center(aws, spec, ids, path)
        yield aws, ids


def imported(tmp_path: Path, *options: str) -> tuple[int, Path]:
    out = tmp_path / "imported"
    return main(["import", "--out", str(out), *options]), out


def test_identity_center_imports_to_the_spec_it_was_deployed_from(organization, source, tmp_path, capsys):
    spec, _ = source
    code, out = imported(tmp_path, "--identity-center-region", REGION)
    said = capsys.readouterr()
    assert code == 0, said.err
    assert f"IAM Identity Center in {REGION} (--identity-center-region): 3 permission sets" in " ".join(said.out.split())
    back = load_spec(out / "org.yaml")
    center, source_center = back.identity_center, spec.identity_center
    assert center is not None
    assert source_center is not None
    assert center.region == source_center.region
    assert back.identity_center_assignments() == spec.identity_center_assignments()
    assert center.permission_sets.keys() == source_center.permission_sets.keys()
    for name, permission_set in center.permission_sets.items():
        mine = source_center.permission_sets[name]
        assert set(permission_set.managed_policies) == set(mine.managed_policies), name  # AWS lists them in no order of ours
        ignored = {"inline_policy", "managed_policies"}
        assert permission_set.model_dump(exclude=ignored) == mine.model_dump(exclude=ignored), name
        assert (permission_set.inline_policy and permission_set.inline_policy.content) == (
            mine.inline_policy and mine.inline_policy.content
        )
    inline = center.permission_sets["PlatformAdmin"].inline_policy
    assert inline is not None
    assert inline.path == "policies/identity-center/PlatformAdmin.json"
    # Collapsed: an OU (or Root) wherever every account below has the assignment.
    targets = {(a.group, a.permission_set): set(a.targets) for a in center.assignments}
    assert targets == {
        ("Platform", "PlatformAdmin"): {"Root", MANAGEMENT},
        ("Developers", "Developer"): {"Workloads/Dev", "Sandbox"},
        ("Developers", "Auditor"): {"Workloads/Prod"},
        ("Security Team", "Auditor"): {"Root"},
    }


def test_what_org_yaml_cannot_say_is_a_comment(organization, tmp_path, capsys):
    aws, ids = organization
    sso, store = aws.client("sso-admin", REGION), aws.client("identitystore", REGION)
    instance = sso.list_instances()["Instances"][0]
    alice = store.create_user(
        IdentityStoreId=instance["IdentityStoreId"], UserName="alice", DisplayName="Alice", Name={"GivenName": "Alice", "FamilyName": "A"}
    )["UserId"]
    auditor = next(
        arn
        for arn in sso.list_permission_sets(InstanceArn=instance["InstanceArn"])["PermissionSets"]
        if sso.describe_permission_set(InstanceArn=instance["InstanceArn"], PermissionSetArn=arn)["PermissionSet"]["Name"] == "Auditor"
    )
    sso.create_account_assignment(
        InstanceArn=instance["InstanceArn"], TargetId=ids["shop-dev"], TargetType="AWS_ACCOUNT", PermissionSetArn=auditor,
        PrincipalType="USER", PrincipalId=alice,
    )  # fmt: skip
    organizations = aws.client("organizations")
    organizations.close_account(AccountId=ids["sandbox-1"])  # SUSPENDED: orgboot does not manage it
    code, out = imported(tmp_path, "--identity-center-region", REGION)
    said = capsys.readouterr()
    assert code == 0, said.err
    text = (out / "org.yaml").read_text()
    assert "#   user alice: Auditor in shop-dev" in text
    assert f"#   group Developers: Developer in Sandbox 1 ({ids['sandbox-1']}, SUSPENDED: not managed by orgboot)" in text
    assert "left untouched" in " ".join(said.err.split())
    back = load_spec(out / "org.yaml")
    assert back.identity_center is not None
    targets = {(a.group, a.permission_set): set(a.targets) for a in back.identity_center.assignments}
    assert targets[("Developers", "Developer")] == {"Workloads/Dev"}  # Sandbox has no account orgboot manages now


def test_a_region_without_identity_center_says_so_and_writes_none(organization, tmp_path, capsys):
    code, out = imported(tmp_path)  # --region: us-east-1
    said = " ".join(capsys.readouterr().out.split())
    assert code == 0
    assert (
        "IAM Identity Center is not enabled in us-east-1 (--region; --identity-center-region names another): nothing imported"
        " into identity_center." in said
    )
    assert "identity_center" not in yaml.safe_load((out / "org.yaml").read_text())


def test_identity_center_aws_refuses_to_read_is_left_out_and_said(organization, tmp_path, capsys, monkeypatch):
    from botocore.exceptions import ClientError

    from orgboot.state import identity_center

    def refused(*_):
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not authorized to sso:ListInstances"}}, "ListInstances")

    monkeypatch.setattr(identity_center, "read_identity_center", refused)
    code, out = imported(tmp_path, "--identity-center-region", REGION)
    said = capsys.readouterr()
    assert code == 0, said.err
    assert (
        f"note: IAM Identity Center in {REGION} not read (AccessDeniedException: not authorized to sso:ListInstances): org.yaml has"
        " no identity_center" in " ".join(said.err.split())
    )
    assert "identity_center" not in yaml.safe_load((out / "org.yaml").read_text())


def test_the_example_deployed_imports_back_to_its_identity_center(example_spec: OrgSpec, example_assembly: Path, tmp_path: Path):
    """The example's stacks deployed into the emulator (which enables Identity Center in its region and
    creates its groups, as a person and the identity provider would), read back and imported under
    the example's keys: the same identity_center."""
    from orgboot.emulator import Engine, deploy_assembly
    from orgboot.spec.importing import import_organization
    from orgboot.state.identity_center import read_identity_center
    from orgboot.state.inventory import read_inventory
    from tests.conftest import EXAMPLE_PARAMETERS

    source = example_spec.identity_center
    assert source is not None, "the example gives its people access through IAM Identity Center"
    with emulated_aws():
        deploy_assembly(Engine(), example_assembly, EXAMPLE_PARAMETERS)
        aws = management()
        inventory = read_inventory(aws.client)
        view = read_identity_center(aws.client, source.region, inventory.accounts, inventory.management_account_id)
    imported = import_organization(inventory, hint=example_spec, identity_center=view)
    (tmp_path / "org.yaml").write_text(imported.org_yaml)
    for name, text in imported.policy_files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    back = load_spec(tmp_path / "org.yaml")
    center = back.identity_center
    assert center is not None
    assert center.region == source.region
    assert back.identity_center_assignments() == example_spec.identity_center_assignments()
    assert center.permission_sets.keys() == source.permission_sets.keys()
    for name, permission_set in center.permission_sets.items():
        mine = source.permission_sets[name]
        assert set(permission_set.managed_policies) == set(mine.managed_policies), name
        ignored = {"inline_policy", "managed_policies"}
        assert permission_set.model_dump(exclude=ignored) == mine.model_dump(exclude=ignored), name
        assert (permission_set.inline_policy and permission_set.inline_policy.content) == (
            mine.inline_policy and mine.inline_policy.content
        )
    assert "Left untouched" not in imported.org_yaml
