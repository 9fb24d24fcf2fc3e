"""orgboot drift against the emulator: an organization made with plain boto3 is imported, drift is
then empty, and each kind of out-of-band change, made with boto3, is reported as exactly itself."""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from orgboot.analysis.drift import drift
from orgboot.emulator.aws import assume, emulated_aws, management
from orgboot.rules import load_spec
from orgboot.spec.importing import import_organization
from orgboot.state.inventory import read_inventory

DENY_LEAVE: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}],
}


@dataclass
class Org:
    client: Any
    root: str
    workloads: str
    prod: str
    account: str
    policy: str

    def iam(self) -> Any:
        return management().client("iam")


@pytest.fixture
def org(tmp_path: Path) -> Iterator[tuple[Org, Path]]:
    with emulated_aws():
        client = management().client("organizations")
        client.create_organization(FeatureSet="ALL")
        root = client.list_roots()["Roots"][0]["Id"]
        client.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
        workloads = client.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
        prod = client.create_organizational_unit(ParentId=workloads, Name="Prod")["OrganizationalUnit"]["Id"]
        account = client.create_account(
            AccountName="Payments Prod", Email="aws+payments@acme-corp.io", Tags=[{"Key": "team", "Value": "pay"}]
        )
        account_id = account["CreateAccountStatus"]["AccountId"]
        client.move_account(AccountId=account_id, SourceParentId=root, DestinationParentId=prod)
        policy = client.create_policy(Name="deny-leave", Type="SERVICE_CONTROL_POLICY", Description="stay", Content=json.dumps(DENY_LEAVE))
        policy_id = policy["Policy"]["PolicySummary"]["Id"]
        client.attach_policy(PolicyId=policy_id, TargetId=workloads)
        iam = management().client("iam")
        iam.update_account_password_policy(MinimumPasswordLength=14)
        iam.create_account_alias(AccountAlias="acme-management")

        yield Org(client, root, workloads, prod, account_id, policy_id), imported_into(tmp_path)


def imported_into(folder: Path) -> Path:
    """org.yaml and its policies, as `orgboot import` reads the emulated organization now."""
    imported = import_organization(read_inventory(management().client))
    (folder / "org.yaml").write_text(imported.org_yaml)
    for name, text in imported.policy_files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder / "org.yaml"


def kinds(spec_file: Path) -> list[tuple[str, str]]:
    return [(change.kind, change.subject) for change in drift(load_spec(spec_file), read_inventory(management().client))]


def test_an_imported_organization_has_no_drift(org: tuple[Org, Path]) -> None:
    assert kinds(org[1]) == []


OUT_OF_BAND: dict[str, tuple[Callable[[Org], object], list[tuple[str, str]]]] = {
    "an SCP detached": (
        lambda o: o.client.detach_policy(PolicyId=o.policy, TargetId=o.workloads),
        [("guardrail-detached", "deny-leave@Workloads")],
    ),
    "an SCP deleted": (
        lambda o: (o.client.detach_policy(PolicyId=o.policy, TargetId=o.workloads), o.client.delete_policy(PolicyId=o.policy)),
        [("guardrail-missing", "deny-leave")],
    ),
    "an SCP attached": (
        lambda o: o.client.attach_policy(PolicyId=o.policy, TargetId=o.account),
        [("policy-attached", "deny-leave@payments-prod")],
    ),
    "policy content edited": (
        lambda o: o.client.update_policy(
            PolicyId=o.policy, Content=json.dumps({**DENY_LEAVE, "Statement": [{**DENY_LEAVE["Statement"][0], "Action": "*"}]})
        ),
        [("policy-edited", "deny-leave")],
    ),
    "an account moved": (
        lambda o: o.client.move_account(AccountId=o.account, SourceParentId=o.prod, DestinationParentId=o.workloads),
        [("account-moved", "payments-prod")],
    ),
    "an account retagged": (
        lambda o: o.client.tag_resource(ResourceId=o.account, Tags=[{"Key": "team", "Value": "checkout"}]),
        [("account-retagged", "payments-prod")],
    ),
    "an account created": (
        lambda o: o.client.create_account(AccountName="Shadow IT", Email="aws+shadow@acme-corp.io"),
        [("account-undeclared", "shadow-it")],
    ),
    "an SCP created and attached outside the code": (
        lambda o: o.client.attach_policy(
            PolicyId=o.client.create_policy(
                Name="Console Guardrail", Type="SERVICE_CONTROL_POLICY", Description="", Content=json.dumps(DENY_LEAVE)
            )["Policy"]["PolicySummary"]["Id"],
            TargetId=o.prod,
        ),
        [("policy-undeclared", "console-guardrail")],
    ),
    # By the account's own administrator (PutAccountName without AccountId: the caller's account).
    "an account renamed": (
        lambda o: assume(o.account).client("account").put_account_name(AccountName="Payments Production"),
        [("account-renamed", "payments-prod")],
    ),
    "an OU created": (
        lambda o: o.client.create_organizational_unit(ParentId=o.root, Name="Rogue"),
        [("ou-undeclared", "Rogue")],
    ),
    "a policy type enabled": (
        lambda o: o.client.enable_policy_type(RootId=o.root, PolicyType="TAG_POLICY"),
        [("policy-type-enabled", "TAG_POLICY")],
    ),
    "FullAWSAccess detached": (
        lambda o: (
            o.client.attach_policy(PolicyId=o.policy, TargetId=o.prod),
            o.client.detach_policy(PolicyId=_full_aws_access(o), TargetId=o.prod),
        ),
        [("full-access-detached", "Workloads/Prod"), ("policy-attached", "deny-leave@Workloads/Prod")],
    ),
    "the password policy weakened": (
        lambda o: o.iam().update_account_password_policy(MinimumPasswordLength=8),
        [("password-policy-changed", "minimum_length")],
    ),
    "the alias changed": (
        lambda o: (o.iam().delete_account_alias(AccountAlias="acme-management"), o.iam().create_account_alias(AccountAlias="acme-other")),
        [("alias-changed", "account_alias")],
    ),
}


def _full_aws_access(o: Org) -> str:
    return next(p["Id"] for p in o.client.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"] if p["Name"] == "FullAWSAccess")


@pytest.mark.parametrize("change", OUT_OF_BAND)
def test_each_out_of_band_change_is_reported_as_itself(org: tuple[Org, Path], change: str) -> None:
    make, expected = OUT_OF_BAND[change]
    make(org[0])
    assert sorted(kinds(org[1])) == sorted(expected)


def test_what_orgboot_leaves_alone_is_compared_too(org: tuple[Org, Path]) -> None:
    """unmanaged: the suspended account, the policy attached nowhere, trusted access and delegated
    administrators, and the policy types orgboot does not manage, as import recorded them."""
    o, spec_file = org
    spare = o.client.create_policy(Name="spare", Type="SERVICE_CONTROL_POLICY", Description="", Content=json.dumps(DENY_LEAVE))
    spare_id = spare["Policy"]["PolicySummary"]["Id"]
    closed = o.client.create_account(AccountName="Old Project", Email="aws+old@acme-corp.io")["CreateAccountStatus"]["AccountId"]
    o.client.close_account(AccountId=closed)
    o.client.enable_aws_service_access(ServicePrincipal="guardduty.amazonaws.com")
    o.client.register_delegated_administrator(AccountId=o.account, ServicePrincipal="guardduty.amazonaws.com")
    o.client.enable_policy_type(RootId=o.root, PolicyType="TAG_POLICY")
    imported = import_organization(read_inventory(management().client))
    spec_file.write_text(
        imported.org_yaml.replace("  policy_types: [SERVICE_CONTROL_POLICY, TAG_POLICY]", "  policy_types: [SERVICE_CONTROL_POLICY]")
    )
    spec_file.write_text(spec_file.read_text().replace("unmanaged:\n", "unmanaged:\n  policy_types: [TAG_POLICY]\n", 1))
    spec = load_spec(spec_file)
    assert set(spec.unmanaged.policies) == {"spare"}
    assert set(spec.unmanaged.accounts) >= {"old-project"}
    assert kinds(spec_file) == []

    o.client.attach_policy(PolicyId=spare_id, TargetId=o.prod)
    o.client.move_account(AccountId=closed, SourceParentId=o.root, DestinationParentId=o.workloads)
    o.client.deregister_delegated_administrator(AccountId=o.account, ServicePrincipal="guardduty.amazonaws.com")
    o.client.disable_aws_service_access(ServicePrincipal="guardduty.amazonaws.com")
    assert sorted(kinds(spec_file)) == [
        ("account-moved", "old-project"),
        ("delegated-admin-removed", "guardduty.amazonaws.com@payments-prod"),
        ("policy-attached", "spare@Workloads/Prod"),
        ("trusted-access-disabled", "guardduty.amazonaws.com"),
    ]


TAGS = {"tags": {"cost-center": {"tag_key": {"@@assign": "cost-center"}}}}


def test_a_disabled_policy_type_is_drift_of_its_own_and_its_policies_are_still_there(org: tuple[Org, Path]) -> None:
    """AWS detaches a disabled type's policies and keeps them (Organizations User Guide, "Disabling a
    policy type"): drift says the type is disabled and each attachment lost, never that the policy
    is gone."""
    o, spec_file = org
    o.client.enable_policy_type(RootId=o.root, PolicyType="TAG_POLICY")
    tags = o.client.create_policy(Name="tags", Type="TAG_POLICY", Description="", Content=json.dumps(TAGS))["Policy"]["PolicySummary"]
    o.client.attach_policy(PolicyId=tags["Id"], TargetId=o.root)
    o.client.attach_policy(PolicyId=tags["Id"], TargetId=o.account)
    spec_file = imported_into(spec_file.parent)
    assert set(load_spec(spec_file).policies["tags"].targets) == {"Root", "payments-prod"}
    assert kinds(spec_file) == []

    o.client.disable_policy_type(RootId=o.root, PolicyType="TAG_POLICY")
    assert o.client.list_targets_for_policy(PolicyId=tags["Id"])["Targets"] == [], "the emulator detaches as AWS does"
    changes = drift(load_spec(spec_file), read_inventory(management().client))
    assert sorted((c.kind, c.subject) for c in changes) == [
        ("policy-detached", "tags@Root"),
        ("policy-detached", "tags@payments-prod"),
        ("policy-type-disabled", "TAG_POLICY"),
    ]
    assert changes[0].summary == "policy type `TAG_POLICY` is declared but disabled", "dangerous drift comes first"


def test_import_keeps_the_policies_of_a_type_not_enabled(org: tuple[Org, Path]) -> None:
    """A policy of a disabled type (detached when it was disabled) and one of a type never enabled
    (CreatePolicy needs no enabled type) are written as left alone, with why; nothing is dropped."""
    o, spec_file = org
    o.client.enable_policy_type(RootId=o.root, PolicyType="TAG_POLICY")
    o.client.create_policy(Name="tags", Type="TAG_POLICY", Description="", Content=json.dumps(TAGS))
    o.client.disable_policy_type(RootId=o.root, PolicyType="TAG_POLICY")
    opt_out = {"services": {"default": {"opt_out_policy": {"@@assign": "optOut"}}}}
    o.client.create_policy(Name="AI Opt Out", Type="AISERVICES_OPT_OUT_POLICY", Description="", Content=json.dumps(opt_out))

    spec = load_spec(imported_into(spec_file.parent))
    assert spec.organization.policy_types == ("SERVICE_CONTROL_POLICY",)
    left = {key: (p.type, p.targets, p.why) for key, p in spec.unmanaged.policies.items()}
    assert set(left) == {"tags", "ai-opt-out"}
    assert left["tags"][:2] == ("TAG_POLICY", ())
    assert left["tags"][2].startswith("TAG_POLICY is not enabled on the root, so the policy is attached nowhere")
    assert left["ai-opt-out"][2].startswith("AISERVICES_OPT_OUT_POLICY is not enabled on the root")
    assert kinds(spec_file) == []


def test_the_emulator_gives_full_aws_access_back_when_scps_are_enabled_again(org: tuple[Org, Path]) -> None:
    """AWS: "If you re-enable the SCP policy type later, all entities in the organization root are
    initially attached to only the default FullAWSAccess SCP" (Organizations User Guide)."""
    o, _ = org
    o.client.disable_policy_type(RootId=o.root, PolicyType="SERVICE_CONTROL_POLICY")
    assert o.client.list_targets_for_policy(PolicyId=_full_aws_access(o))["Targets"] == []
    o.client.enable_policy_type(RootId=o.root, PolicyType="SERVICE_CONTROL_POLICY")
    everything = {o.root, o.workloads, o.prod, o.account, management().account_id}
    assert {t["TargetId"] for t in o.client.list_targets_for_policy(PolicyId=_full_aws_access(o))["Targets"]} == everything
    assert o.client.list_targets_for_policy(PolicyId=o.policy)["Targets"] == []


def test_an_account_is_renamed_by_the_management_account_only_as_aws_allows(org: tuple[Org, Path]) -> None:
    """PutAccountName with AccountId (Account Management API Reference): the management account names
    a member once trusted access for account.amazonaws.com is on, never itself by its ID."""
    o, _ = org
    account = management().client("account")
    with pytest.raises(account.exceptions.AccessDeniedException, match="trusted access for account.amazonaws.com is not enabled"):
        account.put_account_name(AccountId=o.account, AccountName="Payments Production")
    o.client.enable_aws_service_access(ServicePrincipal="account.amazonaws.com")
    with pytest.raises(account.exceptions.AccessDeniedException, match="can't specify its own AccountId"):
        account.put_account_name(AccountId=management().account_id, AccountName="Management")
    with pytest.raises(account.exceptions.ValidationException):
        account.put_account_name(AccountId=o.account, AccountName="x" * 51)
    account.put_account_name(AccountId=o.account, AccountName="Payments Production")
    assert o.client.describe_account(AccountId=o.account)["Account"]["Name"] == "Payments Production"
    # The rest of the Account Management API is still moto's.
    contact = {"Name": "Security", "Title": "CISO", "EmailAddress": "security@acme-corp.io", "PhoneNumber": "+1-555-0100"}
    account.put_alternate_contact(AlternateContactType="SECURITY", **contact)
    assert account.get_alternate_contact(AlternateContactType="SECURITY")["AlternateContact"]["Name"] == "Security"
