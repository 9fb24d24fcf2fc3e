"""The access matrix: decided by the evaluator, from a spec offline and from deployed state."""

import json
import shutil

import yaml

from orgboot.analysis.access import Access, Denial, Exemption, spec_access, state_access
from orgboot.analysis.offline import OfflineOrganization
from orgboot.emulator import Engine, deploy_assembly, emulated_aws, management
from orgboot.emulator.aws import assume
from orgboot.policy.evaluation import Applicable, Request, evaluate
from orgboot.rules import load_spec
from orgboot.spec.loading import read_spec
from orgboot.state.baseline import Baseline, GroupView, read_baseline
from orgboot.state.member_roles import read_member_roles
from orgboot.state.organization import read_organization
from tests.conftest import EXAMPLE_PARAMETERS, IAM_GROUPS, iam_groups_variant

# What IAM groups of the management baseline reach: orgboot 0.10's example (tests/data/iam_groups),
# whose people are IAM users in groups. Today's example gives them IAM Identity Center.

EVERY_ACCOUNT = ("Audit", "Log Archive", "Network", "Sandbox Alice", "Shop Dev", "Shop Prod")


def test_the_example_grants_exactly_what_org_yaml_says(iam_groups_spec):
    assert spec_access(iam_groups_spec) == [
        # The management account's roles first: administrators reach it through ManagementAdmin
        # (CIS 1.15), not by AdministratorAccess of their own.
        Access("Admins", "AWSSupport", (), management=True),
        Access("Admins", "ManagementAdmin", (), management=True),
        Access("Admins", "Admin", ("Sandbox Alice", "Shop Dev", "Shop Prod")),  # Workloads and Sandbox only
        Access("Admins", "ReadOnly", EVERY_ACCOUNT),
        # Break-glass, a group of its own apart from the everyday grants, and what it may do that
        # they may not: repair orgboot's roles (protect-orgboot-roles exempts it, on Root).
        Access("BreakGlass", "ManagementAdmin", (), management=True),
        Access(
            "BreakGlass",
            "OrganizationAccountAccessRole",
            EVERY_ACCOUNT,
            break_glass=True,
            exempt_from=(Exemption("guardrail", "protect-orgboot-roles", EVERY_ACCOUNT),),
        ),
        Access("Auditors", "ReadOnly", EVERY_ACCOUNT),
    ]
    assert len(set(spec_access(iam_groups_spec))) == 7  # rows are values: hashable, comparable
    # The access role is BreakGlass's alone, and ManagementAdmin (AdministratorAccess) reaches no
    # member account: it may assume no role outside the management account.
    assert [row.group for row in spec_access(iam_groups_spec) if row.role == "OrganizationAccountAccessRole"] == ["BreakGlass"]


def test_a_group_holding_administrator_access_reaches_every_role_its_account_trusts(tmp_path):
    """AdministratorAccess allows sts:AssumeRole on "*": a group holding it (CIS 1.15 warns) reaches
    the management account's roles whether admin_role names it or not."""
    spec = iam_groups_variant(
        tmp_path, lambda data: data["management_baseline"]["groups"]["Auditors"].update(managed_policies=["AdministratorAccess"])
    )
    rows = [(row.role, row.management) for row in spec_access(spec) if row.group == "Auditors"]
    assert rows == [("AWSSupport", True), ("ManagementAdmin", True), ("ReadOnly", False)]


def test_each_row_names_what_exempts_its_role_and_where(tmp_path):
    """A guardrail's exemption (its own, or `exempt_roles`) and a written policy's, each with the
    accounts where it applies among those the row reaches."""
    data = yaml.safe_load(IAM_GROUPS.read_text())
    data["accounts"]["old-shop"] = {"name": "Old Shop", "email": "aws+old-shop@example.com", "ou": "Suspended"}  # quarantined
    data["guardrails"]["region-deny"]["exempt_roles"] = ["Admin"]  # on Workloads: not on Sandbox Alice
    data["policies"]["no-buckets"] = {"type": "SERVICE_CONTROL_POLICY", "document": "policies/no-buckets.json", "targets": ["shop-dev"]}
    no_buckets = {"Version": "2012-10-17", "Statement": [{
        "Sid": "NoBuckets", "Effect": "Deny", "Action": "s3:CreateBucket", "Resource": "*",
        "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ReadOnly"}}}]}  # fmt: skip
    shutil.copytree(IAM_GROUPS.parent / "policies", tmp_path / "policies")
    (tmp_path / "policies" / "no-buckets.json").write_text(json.dumps(no_buckets))
    (tmp_path / "org.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    every = tuple(sorted((*EVERY_ACCOUNT, "Old Shop")))
    quarantined = (Denial(("guardrail quarantine",), 10, 10, ("Old Shop",)),)
    in_members = [row for row in spec_access(load_spec(tmp_path / "org.yaml")) if not row.management]  # exemptions are theirs
    assert in_members == [
        Access(
            "Admins",
            "Admin",
            ("Sandbox Alice", "Shop Dev", "Shop Prod"),
            exempt_from=(Exemption("guardrail", "region-deny", ("Shop Dev", "Shop Prod")),),
        ),
        # The quarantine takes everything from ReadOnly in the quarantined account (the 10 reads it allows).
        Access("Admins", "ReadOnly", every, exempt_from=(Exemption("SCP", "no-buckets", ("Shop Dev",)),), denied=quarantined),
        Access(
            "BreakGlass",
            "OrganizationAccountAccessRole",
            every,
            break_glass=True,
            exempt_from=(Exemption("guardrail", "protect-orgboot-roles", every), Exemption("guardrail", "quarantine", ("Old Shop",))),
        ),
        Access("Auditors", "ReadOnly", every, exempt_from=(Exemption("SCP", "no-buckets", ("Shop Dev",)),), denied=quarantined),
    ]


def test_the_matrix_applies_each_accounts_rcp_chain(tmp_path):
    """An RCP can take a grant away (validate then refuses the spec, which is why this reads it
    without the rules; SCPs never restrict the management account's people): on an OU, decided by
    its stand-in; on one account, for that account."""
    data = yaml.safe_load(IAM_GROUPS.read_text())
    deny = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::*:role/ReadOnly"}]}  # fmt: skip
    (tmp_path / "policies").mkdir()
    shutil.copytree(IAM_GROUPS.parent / "policies", tmp_path / "policies", dirs_exist_ok=True)
    (tmp_path / "policies" / "no-read-only.json").write_text(json.dumps(deny))
    document = {"type": "RESOURCE_CONTROL_POLICY", "document": "policies/no-read-only.json"}
    data["policies"]["no-read-only-ou"] = {**document, "targets": ["Sandbox"]}
    data["policies"]["no-read-only-account"] = {**document, "targets": ["shop-dev"]}
    (tmp_path / "org.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    spec = read_spec(tmp_path / "org.yaml").spec
    assert spec is not None
    rows = {(row.group, row.role): row.accounts for row in spec_access(spec)}
    assert rows[("Auditors", "ReadOnly")] == ("Audit", "Log Archive", "Network", "Shop Prod")


def test_administrator_access_alone_would_reach_admin_everywhere_the_guard_stops_it(tmp_path):
    # The bug the guard fixes: AdministratorAccess allows sts:AssumeRole on "*" and Admin trusts
    # the management account, so without the deny outside the grants Admins reach Admin in Audit.
    # (The example's Admins no longer hold it; a spec may still give it to a group.)
    spec = iam_groups_variant(
        tmp_path, lambda data: data["management_baseline"]["groups"]["Admins"].update(managed_policies=["AdministratorAccess"])
    )
    offline = OfflineOrganization(spec)
    audit = next(a for a in offline.accounts if a.key == "audit")
    context = offline.context(None, audit) | {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60"}
    request = Request(offline.group_member("Admins"), "sts:AssumeRole", f"arn:aws:iam::{audit.id}:role/Admin", audit.id, context)
    policies = offline.group_policies("Admins")
    organization = offline.organization_policies(offline.accounts)
    without_guard = tuple(p for p in policies if not p.ref.name.endswith("switch-roles"))
    assert evaluate(request, Applicable(identity=without_guard, trust=audit.roles["Admin"].trust), organization).allowed
    decision = evaluate(request, Applicable(identity=policies, trust=audit.roles["Admin"].trust), organization)
    assert decision.decision == "explicit_deny"
    assert decision.statements[0].sid == "DenyAssumeOutsideGrantsAdmin"


def test_the_deployed_matrix_agrees_with_the_spec(iam_groups_spec, iam_groups_assembly):
    with emulated_aws():
        deploy_assembly(Engine(), iam_groups_assembly, EXAMPLE_PARAMETERS)
        organization = read_organization(management().client("organizations"))
        baseline, roles = read_baseline(management()), read_member_roles(organization, assume)
    deployed = state_access(baseline, organization, roles)
    assert deployed == spec_access(iam_groups_spec)
    # A user gets what each of their groups is granted: bob is in Billing and Auditors, and one
    # group's deny must not take away the other's grant.
    members = {user for group in baseline.groups.values() for user in group.members}
    assert members == {"alice", "bob"}
    for user in members:
        groups = [name for name, group in baseline.groups.items() if user in group.members]
        together = GroupView([], {}, [], documents=[d for name in groups for d in baseline.groups[name].documents])
        as_one_group = Baseline(**{**vars(baseline), "groups": {user: together}})
        reached = {row.role: set(row.accounts) for row in state_access(as_one_group, organization, roles)}
        granted: dict[str, set[str]] = {}
        for row in deployed:
            if row.group in groups:
                granted.setdefault(row.role, set()).update(row.accounts)
        assert reached == granted, user
