"""The second example, examples/whitepaper/org.yaml: about 120 accounts in the OU layout of the AWS
whitepaper "Organizing Your AWS Environment Using Multiple Accounts". It validates, synthesizes
(cdk-nag included), passes cfn-lint, and deploys into the emulator as the spec says: every account in
its OU, every policy where it is attached, and each group reaching exactly what its grants say.

Synthesis and the emulated deploy run once for the module (about 25 s together)."""

from pathlib import Path

import pytest
import yaml

from orgboot.analysis.access import Access, Exemption, spec_access, state_access
from orgboot.emulator import EmulationError, Engine, deploy_assembly, emulated_aws, management
from orgboot.emulator.aws import assume
from orgboot.rules import findings, warnings
from orgboot.spec import OrgSpec
from orgboot.state.baseline import read_baseline
from orgboot.state.member_roles import read_member_roles
from orgboot.state.organization import Organization, read_organization
from tests.conftest import REPO, synth
from tests.emulation.expected import actual_attachments, actual_placement, attachments, placement
from tests.templates.test_cfn_lint import findings as cfn_lint_findings

WHITEPAPER = REPO / "examples" / "whitepaper" / "org.yaml"
PARAMETERS = {"MemberRolesStack:SecurityVendorExternalId": "test-external-id"}
# 120 member accounts and the management account: far beyond the 10 a new organization holds, so
# its owner asks for a raised quota first (Service Quotas L-E619E033), as validate says.
APPROVED_QUOTA = 125

# The whitepaper's recommended top-level OUs, as the example names them.
TOP_LEVEL_OUS = {
    "Security",
    "Infrastructure",
    "Workloads",
    "Sandbox",
    "Deployments",
    "Policy Staging",
    "Suspended",
    "Individual Business Users",
    "Exceptions",
    "Transitional",
}


def under(ou: str, ancestors: list[str]) -> bool:
    return any(a == "Root" or ou == a or ou.startswith(f"{a}/") for a in ancestors)


@pytest.fixture(scope="module")
def spec() -> OrgSpec:
    read, problems = findings(WHITEPAPER)
    assert problems == []
    assert read.spec is not None
    return read.spec


@pytest.fixture(scope="module")
def assembly(spec: OrgSpec, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synth(spec, tmp_path_factory.mktemp("whitepaper") / "cdk.out")


@pytest.fixture(scope="module")
def deployed(assembly: Path):
    with emulated_aws():
        engine = Engine(account_quota=APPROVED_QUOTA)
        deploy_assembly(engine, assembly, PARAMETERS)
        organization = read_organization(management().client("organizations"))
        member_roles = read_member_roles(organization, assume)
        matrix = state_access(read_baseline(management()), organization, member_roles)
        yield engine, organization, member_roles, matrix


@pytest.fixture(scope="module")
def organization(deployed) -> Organization:
    return deployed[1]


def test_validate_says_a_new_organization_cannot_hold_it(spec):
    (warning,) = warnings(WHITEPAPER, spec)
    assert warning.key == "accounts"
    assert "will hold 121 accounts" in warning.message
    assert "--quota-code L-E619E033 --desired-value 121" in warning.message
    assert APPROVED_QUOTA >= 121


def test_it_cannot_deploy_into_a_new_organization(assembly):
    with emulated_aws(), pytest.raises(EmulationError, match=r"ACCOUNT_LIMIT_EXCEEDED.*the organization holds 10 accounts"):
        deploy_assembly(Engine(), assembly, PARAMETERS)


def test_the_spec_has_the_whitepapers_shape(spec):
    assert len(spec.accounts) == 120
    assert {path.split("/")[0] for path in spec.ou_paths} == TOP_LEVEL_OUS
    per_ou = {ou: sum(a.ou == ou for a in spec.accounts.values()) for ou in spec.ou_paths}
    assert per_ou["Suspended"] == 2
    assert per_ou["Exceptions"] == per_ou["Transitional"] == 1
    assert all(per_ou[f"Policy Staging/{mirror}"] == 1 for mirror in ("Security", "Infrastructure", "Workloads"))
    assert {a.ou for a in spec.accounts.values()} >= {"Workloads/Prod", "Workloads/Test", "Workloads/Dev", "Deployments/Prod"}
    for account in spec.accounts.values():
        assert account.email.endswith("@example.com")
        assert {"cost-center", "owner"} <= set(account.tags)
        if account.ou.startswith("Workloads/"):  # the environment tag says which Workloads OU
            assert account.tags["environment"] == account.ou.split("/")[1].lower()


def test_one_stack_holds_every_account(spec, assembly):
    assert spec.organization.account_stacks is None
    # AccountSettingsStack too: the whitepaper keeps security_baseline's defaults (S3 Block Public
    # Access and EBS encryption in every account); no delegated administrator, no SecurityServicesStack.
    assert sorted(p.name for p in assembly.glob("*.template.json")) == [
        "AccountSettingsStack.template.json",
        "ManagementBaselineStack.template.json",
        "MemberRolesStack.template.json",
        "OrganizationStack.template.json",
    ]


def test_cfn_lint_accepts_its_templates(assembly):
    assert cfn_lint_findings(assembly) == []


def test_the_backup_policy_kept_out_of_the_example_validates(tmp_path):
    # The example leaves it commented out only because the emulator cannot deploy a BACKUP_POLICY.
    data = yaml.safe_load(WHITEPAPER.read_text())
    data["policies"]["prod-daily-backups"] = {
        "type": "BACKUP_POLICY",
        "document": "policies/prod-daily-backups.json",
        "targets": ["Workloads/Prod"],
    }
    (tmp_path / "policies").mkdir()
    for file in (WHITEPAPER.parent / "policies").glob("*.json"):
        (tmp_path / "policies" / file.name).write_text(file.read_text())
    (tmp_path / "org.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    _, problems = findings(tmp_path / "org.yaml")
    assert problems == []


def test_the_organization_has_the_specs_ous_and_accounts(organization, spec):
    assert set(organization.ous()) == set(spec.ou_paths)
    assert len(organization.ous()) == len(spec.ou_paths) == 18
    assert len(organization.accounts()) == len(spec.accounts) + 1  # and the management account


def test_every_account_is_in_its_ou_with_its_tags(organization, spec):
    assert actual_placement(organization) == placement(spec)
    by_email = {node.email: node for node in organization.accounts().values()}
    for account in spec.accounts.values():
        assert (by_email[account.email].name, by_email[account.email].tags) == (account.name, account.tags)


def test_every_policy_is_attached_where_the_spec_says(organization, spec):
    assert actual_attachments(organization) == attachments(spec)


def test_guardrails_at_the_levels_the_example_chose(organization, spec):
    attached = actual_attachments(organization)
    email = {key: account.email for key, account in spec.accounts.items()}

    def where(guardrail: str) -> set[str]:
        pack = next(p for p in spec.guardrail_packs if guardrail in p.members)
        return {target for target, names in attached.items() if pack.key in names}

    assert where("deny-leave-organization") == where("data-perimeter-identities") == {"Root"}
    assert where("quarantine") == {"Suspended"}
    assert where("region-deny") == {"Workloads", "Deployments", email["edi-gateway"]}
    assert where("region-deny-next") == {"Policy Staging/Workloads"}
    # The exception: everything Workloads has, but no deny-iam-users anywhere above the EDI gateway.
    assert where("deny-iam-users").isdisjoint({"Root", "Exceptions", email["edi-gateway"]})
    assert email["edi-gateway"] in where("deny-root-user")
    # Transitional accounts carry the root guardrails only.
    assert "Transitional" not in attached


def test_member_roles_are_deployed_where_the_catalogue_says(deployed, spec):
    _, organization, member_roles, _ = deployed
    ou_of = {node.email: path for path, ou in organization.ous().items() for node in ou.children if node.kind == "account"}
    emails = {account_id: node.email for account_id, node in organization.accounts().items()}
    for account_id, roles in member_roles.items():
        ou = ou_of[emails[account_id]]
        expected = {name for name, role in spec.member_roles.catalogue.items() if under(ou, list(role.targets))}
        assert set(roles) & set(spec.member_roles.catalogue) == expected, ou


def test_each_group_reaches_exactly_its_grants(deployed, spec):
    matrix = deployed[3]
    names = sorted(a.name for a in spec.accounts.values())

    def in_ous(*ous: str) -> tuple[str, ...]:
        return tuple(sorted(a.name for a in spec.accounts.values() if under(a.ou, list(ous))))

    platform_admin = in_ous(
        "Infrastructure", "Workloads", "Deployments", "Sandbox", "Policy Staging", "Individual Business Users", "Exceptions", "Transitional"
    )
    assert len(platform_admin) == 114  # every member account but the 4 of Security and the 2 Suspended
    quarantined = (Exemption("guardrail", "quarantine", in_ous("Suspended")),)  # ReadOnly is among its exempt_roles
    assert matrix == [
        Access("Platform", "AWSSupport", (), management=True),  # the management account's roles: admin_role,
        Access("Platform", "ManagementAdmin", (), management=True),  # not AdministratorAccess on the group (CIS 1.15)
        Access("Platform", "Admin", platform_admin),
        Access("Platform", "ReadOnly", tuple(names), exempt_from=quarantined),
        Access("Security", "AWSSupport", (), management=True),
        Access("Security", "ReadOnly", tuple(names), exempt_from=quarantined),
        Access("Security", "SecurityAdmin", ("Log Archive", "Security Break-Glass", "Security Read-Only", "Security Tooling")),
        Access("BreakGlass", "ManagementAdmin", (), management=True),
        Access(
            "BreakGlass",
            "OrganizationAccountAccessRole",
            tuple(names),
            break_glass=True,
            exempt_from=(Exemption("guardrail", "protect-orgboot-roles", tuple(names)), *quarantined),
        ),
    ]  # FinanceReadOnly reaches nothing, and no group reaches the vendor's role
    assert matrix == spec_access(spec)  # what the offline evaluator says the spec grants


def test_nothing_was_deleted_or_replaced(deployed):
    engine = deployed[0]
    assert {event.action for event in engine.events} == {"CREATE"}
