"""Every update path of the emulator, proven by deploying the example and then a changed org.yaml
over it, as `cdk deploy` updates the stacks: what AWS holds afterwards (read back through boto3)
and what the engine did to each resource (UPDATE in place, REPLACE, CREATE or DELETE), which is
what CloudFormation would report.

Six variants of the example, each synthesized once for the module. Independent changes share a
variant; every assertion compares with the example's state before the update, so it fails when the
handler's update path does nothing."""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from orgboot.emulator import Engine, Event, deploy_assembly, emulated_aws, management
from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID, assume
from orgboot.policy.guardrails.packing import pack_key
from orgboot.spec import logical_ids
from orgboot.state.baseline import Baseline, read_baseline
from orgboot.state.organization import Organization, read_organization
from orgboot.state.pages import all_items
from tests.conftest import EXAMPLE_PARAMETERS, IAM_GROUPS, iam_groups_variant, synth

CATALOGUE_ROLES = {"Admin", "ReadOnly", "ExternalAudit", "Developer"}
# Every update of the spec updates the record of the deployed spec (docs/deploy.md): its value names
# the spec's digest, which changes with any change of org.yaml or its policy files.
RECORD = ("MemberRolesStack", "DeployedSpec", "UPDATE")
MANAGEMENT_ROOT = f"arn:aws:iam::{MANAGEMENT_ACCOUNT_ID}:root"


# --- What AWS holds, read through boto3 -------------------------------------------------------


@dataclass
class State:
    organization: Organization
    policies: dict[str, dict[str, Any]]  # organization policy name -> Id, Description, Content
    baseline: Baseline
    roles: dict[str, dict[str, dict[str, Any]]]  # account name -> catalogue role name -> what IAM holds
    stack_instances: set[tuple[str, str]]  # (account ID, stack name) of the engine's StackSet instances

    def account(self, name: str) -> str:
        return next(account_id for account_id, node in self.organization.accounts().items() if node.name == name)

    def with_role(self, role: str) -> set[str]:
        return {account for account, roles in self.roles.items() if role in roles}


@dataclass
class Redeploy:
    before: State
    after: State
    events: list[Event]  # of the second deploy only

    def actions(self) -> set[tuple[str, str, str]]:
        """(stack, logical ID, action) of everything the update did in the management account."""
        return {(e.stack, e.logical_id, e.action) for e in self.events if e.account_id == MANAGEMENT_ACCOUNT_ID}

    def role_actions(self, role: str) -> set[tuple[str, str]]:
        """(account name, action) of the role's StackSet instances in member accounts."""
        names = {node.id: node.name for state in (self.before, self.after) for node in state.organization.accounts().values()}
        return {(names[e.account_id], e.action) for e in self.events if e.stack == f"StackSet-orgboot-role-{role}-us-east-1"}


def read_state(engine: Engine) -> State:
    aws = management()
    organizations = aws.client("organizations")
    organization = read_organization(organizations)
    policies = {}
    for policy_type in organization.enabled_policy_types:
        for summary in all_items(organizations, "list_policies", "Policies", Filter=policy_type):
            policy = organizations.describe_policy(PolicyId=summary["Id"])["Policy"]
            policies[summary["Name"]] = {
                "Id": summary["Id"],
                "Description": policy["PolicySummary"]["Description"],
                "Content": json.loads(policy["Content"]),
            }
    roles: dict[str, dict[str, dict[str, Any]]] = {}
    for account_id, node in organization.accounts().items():
        if account_id == organization.management_account_id:
            continue
        iam = assume(account_id).client("iam")
        roles[node.name] = {
            role["RoleName"]: {
                "RoleId": role["RoleId"],
                "MaxSessionDuration": role["MaxSessionDuration"],
                "Trust": role["AssumeRolePolicyDocument"],
                "ManagedPolicies": sorted(
                    p["PolicyName"] for p in all_items(iam, "list_attached_role_policies", "AttachedPolicies", RoleName=role["RoleName"])
                ),
            }
            for role in all_items(iam, "list_roles", "Roles")
            if role["RoleName"] in CATALOGUE_ROLES
        }
    instances = {(account, stack) for account, stack in engine.stacks if stack.startswith("StackSet-")}
    return State(organization, policies, read_baseline(aws), roles, instances)


def redeploy(example: Path, changed: Path, parameters: Mapping[str, str] = EXAMPLE_PARAMETERS) -> Redeploy:
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, example, EXAMPLE_PARAMETERS)
        before = read_state(engine)
        first = len(engine.events)
        deploy_assembly(engine, changed, parameters)
        return Redeploy(before, read_state(engine), engine.events[first:])


# --- The variants -----------------------------------------------------------------------------


def variant(factory: pytest.TempPathFactory, name: str, change: Callable[[dict], None], files: Mapping[str, Any] = {}) -> Path:
    """Synthesize the example after `change`; `files` are JSON documents written next to the
    variant's org.yaml (paths relative to it), for documents whose content changes. With the record
    of its spec, as app.py synthesizes it (and as the iam_groups_assembly fixture is): see RECORD."""
    directory = factory.mktemp(name)
    for relative, content in files.items():
        (directory / relative).parent.mkdir(parents=True, exist_ok=True)
        (directory / relative).write_text(json.dumps(content, indent=2))
    return synth(iam_groups_variant(directory, change), directory / "cdk.out", directory / "org.yaml")


def rename_ou(data: dict, old: str, new: str) -> None:
    """Rename OU path `old` (and the paths under it) everywhere org.yaml refers to it."""

    def renamed(path: str) -> str:
        return new + path[len(old) :] if path == old or path.startswith(old + "/") else path

    data["organizational_units"] = [renamed(path) for path in data["organizational_units"]]
    for account in data["accounts"].values():
        account["ou"] = renamed(account["ou"])
    for guardrail in data["guardrails"].values():
        guardrail["targets"] = [renamed(target) for target in guardrail["targets"]]
    for policy in data["policies"].values():
        policy["targets"] = [renamed(target) for target in policy["targets"]]
    for role in data["member_roles"]["catalogue"].values():
        role["targets"] = [renamed(target) for target in role["targets"]]
    for group in data["management_baseline"]["groups"].values():
        for grant in (*group.get("may_assume", []), *group.get("break_glass", [])):
            if "ous" in grant:
                grant["ous"] = [renamed(ou) for ou in grant["ous"]]
    for assignment in data.get("identity_center", {}).get("assignments", []):
        assignment["targets"] = [renamed(target) for target in assignment["targets"]]
    contacts = data.get("security_baseline", {}).get("alternate_contacts", {})
    contacts["ous"] = {renamed(path): override for path, override in contacts.get("ous", {}).items()}


def example_document(relative: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((IAM_GROUPS.parent / relative).read_text())
    return document


REQUIRE_IMDSV2 = example_document("policies/require-imdsv2.json")
REQUIRE_IMDSV2["Statement"][0]["Resource"] = ["arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:*:*:launch-template/*"]
IMDSV2_DESCRIPTION = "Instances start only with IMDSv2."
SCP = "SERVICE_CONTROL_POLICY"


def change_organization(data: dict) -> None:
    policies, guardrails, accounts = data["policies"], data["guardrails"], data["accounts"]
    policies["cost-center-tag"]["targets"] = ["Workloads", "Infrastructure"]  # attached to one more target
    policies["require-imdsv2"]["targets"] = ["Workloads/Prod"]  # detached from Workloads, attached below it
    policies["require-imdsv2"]["document"] = "changed/require-imdsv2.json"  # new content
    policies["require-imdsv2"]["description"] = IMDSV2_DESCRIPTION
    del policies["ai-opt-out"]["description"]  # cleared
    # A parameter: the document changes. A region added, none taken away (the account settings' StackSet
    # could not delete its instances in a region the guardrail denies: rules/account_settings.py), and
    # the security services' regions kept as they were, so that nothing else changes.
    guardrails["region-deny"]["allowed_regions"] = ["eu-central-1", "eu-west-1", "us-east-1"]
    data["security_baseline"]["regions"] = ["eu-west-1", "us-east-1"]
    guardrails["deny-root-user"]["targets"] = ["Security", "Workloads"]  # another target set: another document
    # The logical ID comes from the path with its first letter capitalized: OuSandbox either way,
    # so this is the one OU rename org.yaml can express as an update in place.
    rename_ou(data, "Sandbox", "sandbox")
    data["organizational_units"].append("Workloads/Staging")  # a new OU...
    accounts["shop-dev"]["ou"] = "Workloads/Staging"  # ...that an account moves into at once
    accounts["shop-dev"]["tags"] = {"cost-center": "1234"}  # environment tag removed
    accounts["log-archive"]["tags"] = {"owner": "security"}  # first tags
    accounts["shop-prod"]["tags"] = {"cost-center": "5678", "environment": "prod"}  # a value changed
    del accounts["network"]["tags"]  # every tag removed


BILLING_READ_COST_EXPLORER = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "ReadCostAndUsage", "Effect": "Allow", "Action": ["ce:GetCostAndUsage"], "Resource": "*"}],
}
BILLING_READ_BUDGETS = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "ReadBudgets", "Effect": "Allow", "Action": ["budgets:ViewBudget"], "Resource": "*"}],
}


def change_baseline(data: dict) -> None:
    baseline = data["management_baseline"]
    groups = baseline["groups"]
    groups["Billing"]["require_mfa"] = False
    groups["Billing"]["inline_policies"] = [
        "changed/iam/billing-read-cost-explorer.json",  # same file name, so the same policy name: new content
        "changed/iam/read-budgets.json",  # added
    ]
    groups["Billing"]["may_assume"] = [{"role": "ReadOnly"}]  # its first grant
    groups["Auditors"]["managed_policies"] = ["SecurityAudit", "ReadOnlyAccess"]  # ViewOnlyAccess out, ReadOnlyAccess in
    del groups["Auditors"]["may_assume"]  # its only grant
    del groups["BreakGlass"]["break_glass"]  # OrganizationAccountAccessRole no longer, the admin role still
    baseline["users"]["alice"]["groups"] = ["Admins", "Auditors"]
    baseline["users"]["bob"]["groups"] = ["Billing"]
    baseline["password_policy"]["minimum_length"] = 16
    baseline["password_policy"]["max_age_days"] = 60
    baseline["billing"]["alarm_threshold_usd"] = 1500


def change_roles(data: dict) -> None:
    catalogue = data["member_roles"]["catalogue"]
    catalogue["ReadOnly"]["managed_policies"] = ["job-function/ViewOnlyAccess"]
    catalogue["ReadOnly"]["max_session_hours"] = 8
    catalogue["Admin"]["trust"] = {"mfa_max_age_seconds": 900}
    catalogue["Admin"]["targets"] = ["Workloads", "Sandbox"]  # narrowed: Security and Infrastructure lose it
    catalogue["ExternalAudit"]["targets"] = ["Security", "Workloads"]  # widened: Workloads/Dev gains it


def change_catalogue(data: dict) -> None:
    catalogue = data["member_roles"]["catalogue"]
    del catalogue["ExternalAudit"]  # no grant names it
    catalogue["Developer"] = {
        "description": "Build and run workloads, not IAM.",
        "managed_policies": ["PowerUserAccess"],
        "max_session_hours": 2,
        "targets": ["Workloads/Dev", "Sandbox"],
    }
    # Independent of the catalogue: Billing's only file removed.
    data["management_baseline"]["groups"]["Billing"]["inline_policies"] = []


def change_ou_paths(data: dict) -> None:
    rename_ou(data, "Sandbox", "Playground")  # holds sandbox-alice; the Admin role and a grant target it
    rename_ou(data, "Suspended", "Quarantine")  # empty; deny-all targets it
    # Out from under Workloads, to the root: OuWorkloadsProd still (the logical ID drops the
    # separator), now with another parent. shop-prod goes with it and keeps its roles.
    rename_ou(data, "Workloads/Prod", "Workloads-Prod")
    data["member_roles"]["catalogue"]["Admin"]["targets"].append("Workloads-Prod")
    data["guardrails"]["region-deny"]["targets"].append("Workloads-Prod")  # no longer under Workloads


def change_budget(data: dict) -> None:
    data["management_baseline"]["billing"]["monthly_budget_usd"] = 1200


@pytest.fixture(scope="module")
def organization_update(tmp_path_factory, iam_groups_assembly) -> Redeploy:
    files = {"changed/require-imdsv2.json": REQUIRE_IMDSV2}
    return redeploy(iam_groups_assembly, variant(tmp_path_factory, "organization", change_organization, files))


@pytest.fixture(scope="module")
def baseline_update(tmp_path_factory, iam_groups_assembly) -> Redeploy:
    files = {
        "changed/iam/billing-read-cost-explorer.json": BILLING_READ_COST_EXPLORER,
        "changed/iam/read-budgets.json": BILLING_READ_BUDGETS,
    }
    return redeploy(iam_groups_assembly, variant(tmp_path_factory, "baseline", change_baseline, files))


@pytest.fixture(scope="module")
def roles_update(tmp_path_factory, iam_groups_assembly) -> Redeploy:
    return redeploy(iam_groups_assembly, variant(tmp_path_factory, "roles", change_roles))


@pytest.fixture(scope="module")
def catalogue_update(tmp_path_factory, iam_groups_assembly) -> Redeploy:
    # ExternalAudit's external ID parameter goes with the role: `cdk deploy` would refuse it now.
    return redeploy(iam_groups_assembly, variant(tmp_path_factory, "catalogue", change_catalogue), parameters={})


@pytest.fixture(scope="module")
def ou_paths_update(tmp_path_factory, iam_groups_assembly) -> Redeploy:
    return redeploy(iam_groups_assembly, variant(tmp_path_factory, "ou-paths", change_ou_paths))


@pytest.fixture(scope="module")
def budget_assembly(tmp_path_factory) -> Path:
    return variant(tmp_path_factory, "budget", change_budget)


def test_the_record_of_the_deployed_spec_is_updated_after_every_other_change(
    organization_update, baseline_update, roles_update, catalogue_update, ou_paths_update
):
    """Only the deletion of what the update removed comes after it (CloudFormation deletes in the
    cleanup that follows a successful update), so a deploy that fails keeps the previous record."""
    for update in (organization_update, baseline_update, roles_update, catalogue_update, ou_paths_update):
        actions = [(e.stack, e.logical_id, e.action) for e in update.events if e.account_id == MANAGEMENT_ACCOUNT_ID]
        assert actions.count(RECORD) == 1
        assert all(action == "DELETE" for _, _, action in actions[actions.index(RECORD) + 1 :]), actions


def scps(node: Any) -> list[str]:
    return list(node.policies.get("SERVICE_CONTROL_POLICY", []))


# --- Organization: policies, OUs, accounts ----------------------------------------------------


def test_organization_update_touches_exactly_the_changed_resources(organization_update):
    assert organization_update.actions() == {
        ("OrganizationStack", "PolicyCostCenterTag", "UPDATE"),
        ("OrganizationStack", "PolicyRequireImdsv2", "UPDATE"),
        ("OrganizationStack", "PolicyAiOptOut", "UPDATE"),
        ("OrganizationStack", logical_ids.policy(pack_key(SCP, ["Workloads"])), "UPDATE"),  # region-deny's parameter
        ("OrganizationStack", logical_ids.policy(pack_key(SCP, ["Security", "Workloads"])), "CREATE"),  # deny-root-user's...
        ("OrganizationStack", logical_ids.policy(pack_key(SCP, ["Infrastructure", "Security", "Workloads"])), "DELETE"),  # ...targets
        ("OrganizationStack", "OuSandbox", "UPDATE"),
        ("OrganizationStack", "OuWorkloadsStaging", "CREATE"),
        ("OrganizationStack", "AccountShopDev", "UPDATE"),
        ("OrganizationStack", "AccountLogArchive", "UPDATE"),
        ("OrganizationStack", "AccountShopProd", "UPDATE"),
        ("OrganizationStack", "AccountNetwork", "UPDATE"),
        RECORD,
    }
    assert [e for e in organization_update.events if e.account_id != MANAGEMENT_ACCOUNT_ID] == []  # no role moved


def test_policy_attached_to_a_new_target(organization_update):
    before, after = organization_update.before, organization_update.after
    assert before.organization.ous()["Infrastructure"].policies.get("TAG_POLICY") is None
    assert after.organization.ous()["Infrastructure"].policies["TAG_POLICY"] == ["cost-center-tag"]
    assert after.organization.ous()["Workloads"].policies["TAG_POLICY"] == ["cost-center-tag"]  # kept
    assert after.policies["cost-center-tag"]["Id"] == before.policies["cost-center-tag"]["Id"]


def test_policy_detached_from_a_target(organization_update):
    before, after = organization_update.before.organization.ous(), organization_update.after.organization.ous()
    assert "require-imdsv2" in scps(before["Workloads"])
    assert "require-imdsv2" not in scps(after["Workloads"])
    assert "require-imdsv2" in scps(after["Workloads/Prod"])


def test_policy_content_changed_in_place(organization_update):
    before, after = organization_update.before.policies, organization_update.after.policies
    assert before["require-imdsv2"]["Content"] == example_document("policies/require-imdsv2.json")
    assert after["require-imdsv2"]["Content"] == REQUIRE_IMDSV2
    assert after["require-imdsv2"]["Id"] == before["require-imdsv2"]["Id"]


def test_policy_description_changed_and_cleared_in_place(organization_update):
    before, after = organization_update.before.policies, organization_update.after.policies
    assert before["require-imdsv2"]["Description"].startswith("Workload instances start only with IMDSv2")
    assert after["require-imdsv2"]["Description"] == IMDSV2_DESCRIPTION
    assert (before["ai-opt-out"]["Description"], after["ai-opt-out"]["Description"]) == (
        "No AI service may store our content to improve itself.",
        "",
    )
    assert after["ai-opt-out"]["Id"] == before["ai-opt-out"]["Id"]
    assert after["ai-opt-out"]["Content"] == before["ai-opt-out"]["Content"]


def test_guardrail_parameter_changes_its_document_in_place(organization_update):
    region_deny = pack_key(SCP, ["Workloads"])
    before, after = organization_update.before.policies[region_deny], organization_update.after.policies[region_deny]
    assert after["Id"] == before["Id"]
    regions = [s["Condition"]["StringNotEquals"]["aws:RequestedRegion"] for s in (before, after) for s in s["Content"]["Statement"]]
    assert regions == [["eu-west-1", "us-east-1"], ["eu-central-1", "eu-west-1", "us-east-1"]]
    assert region_deny in scps(organization_update.after.organization.ous()["Workloads"])


def test_guardrail_targets_changed_move_it_to_the_document_of_its_new_target_set(organization_update):
    """deny-root-user leaves Infrastructure: its new document is created and attached before the old
    one is deleted in the cleanup, so Security and Workloads are never without it."""
    old, new = pack_key(SCP, ["Infrastructure", "Security", "Workloads"]), pack_key(SCP, ["Security", "Workloads"])
    before, after = organization_update.before.organization.ous(), organization_update.after.organization.ous()
    assert [old in scps(before[ou]) for ou in ("Infrastructure", "Security", "Workloads")] == [True, True, True]
    assert [new in scps(after[ou]) for ou in ("Infrastructure", "Security", "Workloads")] == [False, True, True]
    assert old not in organization_update.after.policies
    order = [(e.logical_id, e.action) for e in organization_update.events]
    assert order.index((logical_ids.policy(new), "CREATE")) < order.index((logical_ids.policy(old), "DELETE"))


def test_ou_renamed_in_place_keeps_its_id_accounts_and_roles(organization_update):
    before, after = organization_update.before, organization_update.after
    old, new = before.organization.ous()["Sandbox"], after.organization.ous()["sandbox"]
    assert "Sandbox" not in after.organization.ous()
    assert (new.id, new.name) == (old.id, "sandbox")
    assert (
        [(c.kind, c.id) for c in new.children] == [(c.kind, c.id) for c in old.children] == [("account", before.account("Sandbox Alice"))]
    )
    assert after.roles["Sandbox Alice"]["Admin"]["RoleId"] == before.roles["Sandbox Alice"]["Admin"]["RoleId"]


def test_new_ou_created_and_an_account_moved_into_it(organization_update):
    before, after = organization_update.before, organization_update.after
    assert "Workloads/Staging" not in before.organization.ous()
    staging = after.organization.ous()["Workloads/Staging"]
    assert staging.id in {c.id for c in after.organization.ous()["Workloads"].children}
    assert [(c.kind, c.name) for c in staging.children] == [("account", "Shop Dev")]
    assert after.organization.ous()["Workloads/Dev"].children == []
    assert after.account("Shop Dev") == before.account("Shop Dev")  # moved, not a new account


def test_account_tags_added_changed_and_removed(organization_update):
    def tags(state: State) -> dict[str, dict[str, str]]:
        return {node.name: node.tags for node in state.organization.accounts().values() if node.name != "master"}

    assert tags(organization_update.before) == {
        "Log Archive": {},
        "Audit": {},
        "Network": {"cost-center": "1000"},
        "Shop Prod": {"cost-center": "1234", "environment": "prod"},
        "Shop Dev": {"cost-center": "1234", "environment": "dev"},
        "Sandbox Alice": {},
    }
    assert tags(organization_update.after) == {
        "Log Archive": {"owner": "security"},
        "Audit": {},
        "Network": {},
        "Shop Prod": {"cost-center": "5678", "environment": "prod"},
        "Shop Dev": {"cost-center": "1234"},
        "Sandbox Alice": {},
    }


# --- OU paths renamed: new OUs, accounts moved, old OUs deleted -------------------------------


def test_ou_path_changes_touch_exactly_the_ous_accounts_and_policies_concerned(ou_paths_update):
    assert {action for action in ou_paths_update.actions() if action[0] == "OrganizationStack"} == {
        ("OrganizationStack", "OuPlayground", "CREATE"),
        ("OrganizationStack", "OuQuarantine", "CREATE"),
        ("OrganizationStack", "OuWorkloadsProd", "REPLACE"),  # the new OU...
        ("OrganizationStack", "OuWorkloadsProd", "DELETE"),  # ...and the old one, deleted in the cleanup
        ("OrganizationStack", "AccountSandboxAlice", "UPDATE"),
        ("OrganizationStack", "AccountShopProd", "UPDATE"),
        ("OrganizationStack", logical_ids.policy(pack_key(SCP, ["Quarantine"])), "CREATE"),  # quarantine's new target set
        ("OrganizationStack", logical_ids.policy(pack_key(SCP, ["Suspended"])), "DELETE"),
        ("OrganizationStack", logical_ids.policy(pack_key(SCP, ["Workloads", "Workloads-Prod"])), "CREATE"),  # region-deny's
        ("OrganizationStack", logical_ids.policy(pack_key(SCP, ["Workloads"])), "DELETE"),
        ("OrganizationStack", "OuSandbox", "DELETE"),
        ("OrganizationStack", "OuSuspended", "DELETE"),
    }


def test_renaming_an_ou_path_creates_a_new_ou_and_deletes_the_old(ou_paths_update):
    """org.yaml keys OUs by path, so a renamed path is a new OU (new logical ID): created, the
    accounts moved into it, the old one deleted once empty. The accounts keep their IDs."""
    before, after = ou_paths_update.before.organization, ou_paths_update.after.organization
    ous = after.ous()
    assert {"Sandbox", "Suspended"}.isdisjoint(ous)
    old_ids = {before.ous()["Sandbox"].id, before.ous()["Suspended"].id}
    assert old_ids.isdisjoint({ous["Playground"].id, ous["Quarantine"].id})
    assert [(c.kind, c.id) for c in ous["Playground"].children] == [("account", ou_paths_update.before.account("Sandbox Alice"))]
    assert scps(ous["Quarantine"]) == ["FullAWSAccess", pack_key(SCP, ["Quarantine"])]


def test_an_ou_given_another_parent_is_replaced(ou_paths_update):
    """ParentId is create-only: the OU is created anew under its new parent, its account and
    policy follow, and the old OU is deleted once empty."""
    before, after = ou_paths_update.before.organization, ou_paths_update.after.organization
    old, new = before.ous()["Workloads/Prod"], after.ous()["Workloads-Prod"]
    assert "Workloads/Prod" not in after.ous()
    assert new.id != old.id
    assert new.id in {child.id for child in after.root.children}
    assert [(c.kind, c.id) for c in new.children] == [("account", ou_paths_update.before.account("Shop Prod"))]
    assert scps(new) == ["FullAWSAccess", pack_key(SCP, ["Workloads", "Workloads-Prod"])]
    order = [(e.logical_id, e.action) for e in ou_paths_update.events]
    # AWS deletes only empty OUs: the old one goes after the account left it.
    assert (
        order.index(("OuWorkloadsProd", "REPLACE"))
        < order.index(("AccountShopProd", "UPDATE"))
        < order.index(("OuWorkloadsProd", "DELETE"))
    )


def test_roles_stay_in_accounts_of_a_renamed_or_moved_ou(ou_paths_update):
    before, after = ou_paths_update.before, ou_paths_update.after
    for account in ("Sandbox Alice", "Shop Prod"):
        assert after.roles[account] == before.roles[account], account  # same roles, same RoleIds
    assert [e for e in ou_paths_update.events if e.account_id != MANAGEMENT_ACCOUNT_ID] == []


def test_switch_roles_grant_follows_the_renamed_ou(ou_paths_update):
    after = ou_paths_update.after
    assert ("ManagementBaselineStack", "GroupAdmins", "UPDATE") in ou_paths_update.actions()
    paths = after.organization.org_paths()
    ous = after.organization.ous()
    grants = dict(after.baseline.groups["Admins"].assumable_roles)
    assert sorted(grants["arn:aws:iam::*:role/Admin"]) == sorted(f"{paths[ous[ou].id]}*" for ou in ("Workloads", "Playground"))


def test_stack_sets_targeting_a_new_ou_are_updated(ou_paths_update):
    """Their DeploymentTargets name the new OU IDs: CloudFormation updates each StackSet, even
    though the accounts it reaches are the same."""
    assert {action for action in ou_paths_update.actions() if action[0] == "MemberRolesStack"} == {
        ("MemberRolesStack", "RoleStackSetAdmin", "UPDATE"),
        ("MemberRolesStack", "RoleStackSetExternalAudit", "UPDATE"),
        RECORD,
    }


# --- Management baseline: groups, users, password policy, billing ----------------------------


def test_baseline_update_touches_exactly_the_changed_resources(baseline_update):
    assert baseline_update.actions() == {
        ("ManagementBaselineStack", "GroupBreakGlass", "UPDATE"),
        ("ManagementBaselineStack", "GroupAuditors", "UPDATE"),
        ("ManagementBaselineStack", "GroupBilling", "UPDATE"),
        ("ManagementBaselineStack", "UserAlice", "UPDATE"),
        ("ManagementBaselineStack", "UserBob", "UPDATE"),
        ("ManagementBaselineStack", "PasswordPolicyD0C37AC0", "UPDATE"),
        ("ManagementBaselineStack", "BillingAlarm", "UPDATE"),
        # BreakGlass no longer has break_glass grants: nothing is left for its alarm to watch
        ("ManagementBaselineStack", "CisMetricFilterBreakGlassUsed", "DELETE"),
        ("ManagementBaselineStack", "CisAlarmBreakGlassUsed", "DELETE"),
        RECORD,
    }


def test_group_managed_policy_added_and_removed(baseline_update):
    assert baseline_update.before.baseline.groups["Auditors"].managed_policies == ["RequireMFA", "SecurityAudit", "ViewOnlyAccess"]
    assert baseline_update.after.baseline.groups["Auditors"].managed_policies == ["ReadOnlyAccess", "RequireMFA", "SecurityAudit"]


def test_require_mfa_turned_off_detaches_it_from_that_group_only(baseline_update):
    before, after = baseline_update.before.baseline.groups, baseline_update.after.baseline.groups
    assert before["Billing"].managed_policies == ["Billing", "RequireMFA"]
    assert after["Billing"].managed_policies == ["Billing"]
    assert "RequireMFA" in after["Admins"].managed_policies
    assert "RequireMFA" in after["Auditors"].managed_policies


def test_inline_policy_file_content_changed(baseline_update):
    name = "Billing-billing-read-cost-explorer"
    assert baseline_update.before.baseline.groups["Billing"].inline_policies[name] == example_document(
        "policies/iam/billing-read-cost-explorer.json"
    )
    assert baseline_update.after.baseline.groups["Billing"].inline_policies[name] == BILLING_READ_COST_EXPLORER


def test_inline_policy_added(baseline_update):
    before, after = baseline_update.before.baseline.groups, baseline_update.after.baseline.groups
    assert set(before["Billing"].inline_policies) == {"Billing-billing-read-cost-explorer"}
    # A file, and the switch-roles policy of Billing's first grant.
    assert set(after["Billing"].inline_policies) == {"Billing-billing-read-cost-explorer", "Billing-read-budgets", "Billing-switch-roles"}
    assert after["Billing"].inline_policies["Billing-read-budgets"] == BILLING_READ_BUDGETS


def test_inline_policy_removed(catalogue_update):
    before, after = catalogue_update.before.baseline.groups, catalogue_update.after.baseline.groups
    assert set(before["Billing"].inline_policies) == {"Billing-billing-read-cost-explorer"}
    assert set(after["Billing"].inline_policies) == set()


def test_may_assume_grants_added_and_removed(baseline_update):
    """Each grant is an Allow statement of the group's switch-roles policy."""

    def allowed(state: State) -> dict[str, list[str]]:
        return {name: sorted(role for role, _ in group.assumable_roles) for name, group in state.baseline.groups.items()}

    any_account = "arn:aws:iam::*:role/"
    support = f"arn:aws:iam::{MANAGEMENT_ACCOUNT_ID}:role/AWSSupport"
    admin = f"arn:aws:iam::{MANAGEMENT_ACCOUNT_ID}:role/ManagementAdmin"  # admin_role's assumable_by, unchanged
    assert allowed(baseline_update.before) == {
        "Admins": sorted([f"{any_account}Admin", f"{any_account}ReadOnly", support, admin]),
        "BreakGlass": sorted([f"{any_account}OrganizationAccountAccessRole", admin]),
        "Billing": [],
        "Auditors": [f"{any_account}ReadOnly"],
    }
    assert allowed(baseline_update.after) == {
        "Admins": sorted([f"{any_account}Admin", f"{any_account}ReadOnly", support, admin]),
        "BreakGlass": [admin],
        "Billing": [f"{any_account}ReadOnly"],
        "Auditors": [],
    }
    after = baseline_update.after
    root = after.organization.org_paths()[after.organization.root.id]
    assert dict(after.baseline.groups["Billing"].assumable_roles)[f"{any_account}ReadOnly"] == [f"{root}*"]


def test_users_added_to_and_removed_from_groups(baseline_update):
    def members(state: State) -> dict[str, list[str]]:
        return {name: group.members for name, group in state.baseline.groups.items()}

    assert members(baseline_update.before) == {"Admins": ["alice"], "BreakGlass": [], "Billing": ["bob"], "Auditors": ["bob"]}
    assert members(baseline_update.after) == {"Admins": ["alice"], "BreakGlass": [], "Billing": ["bob"], "Auditors": ["alice"]}


def test_password_policy_updated(baseline_update):
    before, after = baseline_update.before.baseline.password_policy, baseline_update.after.baseline.password_policy
    assert before is not None
    assert after is not None
    assert (before["MinimumPasswordLength"], before["MaxPasswordAge"]) == (14, 90)
    assert (after["MinimumPasswordLength"], after["MaxPasswordAge"]) == (16, 60)
    assert after["PasswordReusePrevention"] == 24  # every value is sent on update, none reset


def billing_alarm(baseline: Baseline) -> dict[str, Any]:
    """The one alarm on AWS/Billing (the example's CIS monitoring adds alarms in CISBenchmark)."""
    (alarm,) = [a for a in baseline.alarms if a["Namespace"] == "AWS/Billing"]
    return alarm


def test_billing_alarm_threshold_updated(baseline_update):
    before = billing_alarm(baseline_update.before.baseline)
    after = billing_alarm(baseline_update.after.baseline)
    assert (before["Threshold"], after["Threshold"]) == (1000, 1500)
    assert after["AlarmName"] == before["AlarmName"]
    assert after["AlarmDescription"] == "Estimated charges this month exceed 1500 USD"
    assert after["AlarmActions"] == before["AlarmActions"]


def test_budget_amount_updated_in_place(iam_groups_assembly, budget_assembly):
    """AWS::Budgets::Budget updates `Budget` in place (UpdateBudget): its limit is not create-only."""
    update = redeploy(iam_groups_assembly, budget_assembly)
    assert update.actions() == {("ManagementBaselineStack", "MonthlyBudget", "UPDATE"), RECORD}
    (before,) = update.before.baseline.budgets
    (after,) = update.after.baseline.budgets
    assert (before["BudgetLimit"]["Amount"], after["BudgetLimit"]["Amount"]) == ("800", "1200")
    assert after["BudgetName"] == before["BudgetName"]
    assert [n for n, _ in after["Notifications"]] == [n for n, _ in before["Notifications"]]


def test_budget_notifications_changed_replace_the_budget_under_a_new_name(tmp_path_factory, iam_groups_assembly):
    """NotificationsWithSubscribers is create-only: the budget is replaced. Its name follows the
    notifications, so the replacement does not collide with the budget it replaces (which a fixed
    name would: CloudFormation refuses to replace a custom-named resource)."""

    def change(data: dict) -> None:
        billing = data["management_baseline"]["billing"]
        billing["actual_threshold_percent"] = 90
        billing["notify"] = [*billing["notify"], "cfo@example.com"]

    update = redeploy(iam_groups_assembly, variant(tmp_path_factory, "budget-notifications", change))
    assert update.actions() == {
        ("ManagementBaselineStack", "MonthlyBudget", "REPLACE"),  # the new budget, then the old one deleted
        ("ManagementBaselineStack", "MonthlyBudget", "DELETE"),
        ("ManagementBaselineStack", "BillingTopiccfoexamplecom03973366", "CREATE"),  # the alarm's new subscriber
        RECORD,
    }
    (before,) = update.before.baseline.budgets
    (after,) = update.after.baseline.budgets
    assert after["BudgetName"] != before["BudgetName"]
    assert {n["NotificationType"]: n["Threshold"] for n, _ in after["Notifications"]} == {"ACTUAL": 90, "FORECASTED": 100}


# --- Member roles: the StackSets and the roles in member accounts -----------------------------

EVERY_MEMBER = {"Log Archive", "Audit", "Network", "Shop Prod", "Shop Dev", "Sandbox Alice"}


def test_roles_update_touches_exactly_the_changed_stack_sets_and_instances(roles_update):
    assert roles_update.actions() == {
        ("MemberRolesStack", "RoleStackSetAdmin", "UPDATE"),
        ("MemberRolesStack", "RoleStackSetReadOnly", "UPDATE"),
        ("MemberRolesStack", "RoleStackSetExternalAudit", "UPDATE"),
        RECORD,
    }
    assert roles_update.role_actions("ReadOnly") == {(account, "UPDATE") for account in EVERY_MEMBER}
    assert roles_update.role_actions("Admin") == {
        ("Shop Prod", "UPDATE"),
        ("Shop Dev", "UPDATE"),
        ("Sandbox Alice", "UPDATE"),
        ("Log Archive", "DELETE"),
        ("Audit", "DELETE"),
        ("Network", "DELETE"),
    }
    assert roles_update.role_actions("ExternalAudit") == {("Shop Dev", "CREATE")}


def test_role_managed_policies_and_session_duration_changed_in_every_account(roles_update):
    for account in EVERY_MEMBER:
        before, after = roles_update.before.roles[account]["ReadOnly"], roles_update.after.roles[account]["ReadOnly"]
        assert (before["ManagedPolicies"], before["MaxSessionDuration"]) == (["ReadOnlyAccess"], 4 * 3600), account
        assert (after["ManagedPolicies"], after["MaxSessionDuration"]) == (["ViewOnlyAccess"], 8 * 3600), account


def test_role_trust_mfa_age_changed(roles_update):
    for account in ("Shop Prod", "Shop Dev", "Sandbox Alice"):
        (before,) = roles_update.before.roles[account]["Admin"]["Trust"]["Statement"]
        (after,) = roles_update.after.roles[account]["Admin"]["Trust"]["Statement"]
        assert before["Condition"]["NumericLessThan"] == {"aws:MultiFactorAuthAge": "3600"}, account
        assert after["Condition"] == {
            "Bool": {"aws:MultiFactorAuthPresent": "true"},
            "NumericLessThan": {"aws:MultiFactorAuthAge": "900"},
        }, account
        assert after["Principal"] == {"AWS": MANAGEMENT_ROOT}


def test_updated_roles_keep_their_identity(roles_update):
    """MaxSessionDuration, ManagedPolicyArns and AssumeRolePolicyDocument update an IAM role in
    place in CloudFormation (UpdateRole, AttachRolePolicy, UpdateAssumeRolePolicy): the role is
    never deleted, so its unique ID (what resource policies hold) stays."""
    before, after = roles_update.before.roles, roles_update.after.roles
    for account in EVERY_MEMBER:
        assert after[account]["ReadOnly"]["RoleId"] == before[account]["ReadOnly"]["RoleId"], account
    for account in ("Shop Prod", "Shop Dev", "Sandbox Alice"):
        assert after[account]["Admin"]["RoleId"] == before[account]["Admin"]["RoleId"], account


def test_widened_targets_give_the_role_to_the_new_accounts_only(roles_update):
    before, after = roles_update.before, roles_update.after
    assert before.with_role("ExternalAudit") == {"Log Archive", "Audit", "Shop Prod"}
    assert after.with_role("ExternalAudit") == {"Log Archive", "Audit", "Shop Prod", "Shop Dev"}
    for account in ("Log Archive", "Audit", "Shop Prod"):  # untouched where it was
        assert after.roles[account]["ExternalAudit"] == before.roles[account]["ExternalAudit"], account


def test_narrowed_targets_take_the_role_away(roles_update):
    assert roles_update.before.with_role("Admin") == EVERY_MEMBER
    assert roles_update.after.with_role("Admin") == {"Shop Prod", "Shop Dev", "Sandbox Alice"}
    gone = {roles_update.after.account(name) for name in ("Log Archive", "Audit", "Network")}
    assert {
        account for account, stack in roles_update.after.stack_instances if stack == "StackSet-orgboot-role-Admin-us-east-1"
    }.isdisjoint(gone)


def test_catalogue_update_touches_exactly_the_stack_sets_and_groups_concerned(catalogue_update):
    assert catalogue_update.actions() == {
        ("MemberRolesStack", "RoleStackSetExternalAudit", "DELETE"),
        ("MemberRolesStack", "RoleStackSetDeveloper", "CREATE"),
        # Billing lost a file. No group's switch-roles policy guards the catalogue's roles (none
        # holds AdministratorAccess, CIS 1.15), so no other group changes.
        ("ManagementBaselineStack", "GroupBilling", "UPDATE"),
        # Guardrails that name orgboot's roles: protect-orgboot-roles protects Developer instead of
        # ExternalAudit, and data-perimeter-identities no longer admits ExternalAudit's partner.
        ("OrganizationStack", logical_ids.policy(pack_key(SCP, ["Root"])), "UPDATE"),
        ("OrganizationStack", logical_ids.policy(pack_key("RESOURCE_CONTROL_POLICY", ["Root"])), "UPDATE"),
        RECORD,
    }


def test_no_switch_roles_guard_follows_the_catalogue(catalogue_update):
    """A group gets a deny guarding the catalogue's roles only when its own policies allow
    sts:AssumeRole (AdministratorAccess). The example's groups hold none (CIS 1.15: Admins and
    BreakGlass assume the admin role instead), so the catalogue's roles appear in no deployed deny,
    before or after; a group holding AdministratorAccess is covered in
    tests/templates/test_management_baseline_stack.py."""

    def denied(state: State) -> dict[str, set[str]]:
        return {
            name: {s["Resource"] for p in group.inline_policies.values() for s in p["Statement"] if s["Effect"] == "Deny"}
            for name, group in state.baseline.groups.items()
        }

    none: dict[str, set[str]] = {"Admins": set(), "BreakGlass": set(), "Billing": set(), "Auditors": set()}
    assert denied(catalogue_update.before) == none
    assert denied(catalogue_update.after) == none


def test_role_removed_from_the_catalogue(catalogue_update):
    before, after = catalogue_update.before, catalogue_update.after
    assert ("MemberRolesStack", "RoleStackSetExternalAudit", "DELETE") in catalogue_update.actions()
    assert catalogue_update.role_actions("ExternalAudit") == {("Log Archive", "DELETE"), ("Audit", "DELETE"), ("Shop Prod", "DELETE")}
    assert before.with_role("ExternalAudit") == {"Log Archive", "Audit", "Shop Prod"}
    assert after.with_role("ExternalAudit") == set()
    assert not any(stack == "StackSet-orgboot-role-ExternalAudit-us-east-1" for _, stack in after.stack_instances)


def test_role_added_to_the_catalogue(catalogue_update):
    assert ("MemberRolesStack", "RoleStackSetDeveloper", "CREATE") in catalogue_update.actions()
    assert catalogue_update.role_actions("Developer") == {("Shop Dev", "CREATE"), ("Sandbox Alice", "CREATE")}
    after = catalogue_update.after
    assert after.with_role("Developer") == {"Shop Dev", "Sandbox Alice"}
    for account in ("Shop Dev", "Sandbox Alice"):
        developer = after.roles[account]["Developer"]
        assert (developer["ManagedPolicies"], developer["MaxSessionDuration"]) == (["PowerUserAccess"], 2 * 3600), account
        (statement,) = developer["Trust"]["Statement"]
        assert (statement["Principal"], statement["Condition"]) == (
            {"AWS": MANAGEMENT_ROOT},
            {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        )
    for account in EVERY_MEMBER:  # the other roles untouched
        assert {k: v for k, v in after.roles[account].items() if k in ("Admin", "ReadOnly")} == {
            k: v for k, v in catalogue_update.before.roles[account].items() if k in ("Admin", "ReadOnly")
        }, account
