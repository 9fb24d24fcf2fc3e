"""Accounts spread over stacks, deployed: each under its OU (looked up by path in its own stack),
created one at a time across stacks, and reached by the member roles' StackSets."""

import json

import pytest

from orgboot.emulator import EmulationError, Engine, deploy_assembly, emulated_aws, management
from orgboot.state.organization import read_organization
from tests.conftest import EXAMPLE_PARAMETERS, edited
from tests.emulation.expected import actual_placement, placement

# The spread organization's 45 accounts and the management account, and one more: a raised quota
# (a new organization holds 10 accounts, Service Quotas L-E619E033).
QUOTA = 47


def test_every_account_lands_in_its_ou_with_its_roles(spread):
    spec, assembly = spread
    with emulated_aws():
        engine = Engine(account_quota=QUOTA)
        deploy_assembly(engine, assembly, EXAMPLE_PARAMETERS)
        organization = read_organization(management().client("organizations"))
    assert actual_placement(organization) == placement(spec)
    # ExternalAudit's StackSet reaches every account below the OUs it targets, in whichever stack it was created
    targets = spec.member_roles.catalogue["ExternalAudit"].targets
    emails = {
        account.email for account in spec.accounts.values() if any(account.ou == t or account.ou.startswith(t + "/") for t in targets)
    }
    ids = {account_id for account_id, node in organization.accounts().items() if node.email in emails}
    assert len(ids) > 1
    assert {account for account, _ in engine.instances["orgboot-role-ExternalAudit"]} == ids
    creations = [e.stack for e in engine.events if e.type == "AWS::Organizations::Account" and e.action == "CREATE"]
    assert creations == sorted(creations)  # stack after stack, never interleaved


def test_a_lookup_answer_beyond_4096_bytes_fails(spread, tmp_path):
    _, assembly = spread

    def one_big_lookup(template):
        lookups = [r for r in template["Resources"].values() if r["Type"] == "Custom::OrganizationalUnitIds"]
        lookups[0]["Properties"]["Paths"] = {f"Name{n:03d}": "Root" for n in range(200)}

    broken = edited(assembly, tmp_path, "OrganizationAccounts01", one_big_lookup)
    too_long = r"\(Custom::OrganizationalUnitIds\): Response object is too long \(\d+ bytes, at most 4096\)"
    with pytest.raises(EmulationError, match=too_long), emulated_aws():
        deploy_assembly(Engine(account_quota=QUOTA), broken, EXAMPLE_PARAMETERS)


def test_a_path_that_names_no_ou_fails_the_lookup(spread, tmp_path):
    _, assembly = spread

    def missing(template):
        lookups = [r for r in template["Resources"].values() if r["Type"] == "Custom::OrganizationalUnitIds"]
        paths = lookups[0]["Properties"]["Paths"]
        paths[next(iter(paths))] = "Workloads/Nowhere"

    broken = edited(assembly, tmp_path, "OrganizationAccounts01", missing)
    with (
        pytest.raises(
            EmulationError, match=r"Message returned: LookupError: no OU named 'Nowhere' under ou-[\w-]+ \(looking up Workloads/Nowhere\)"
        ),
        emulated_aws(),
    ):
        deploy_assembly(Engine(account_quota=QUOTA), broken, EXAMPLE_PARAMETERS)


def test_an_added_account_is_created_in_its_stack_alone(spread, tmp_path):
    spec, assembly = spread

    def join(template):
        resources = template["Resources"]
        (last,) = [lid for lid in resources if lid == max(r for r in resources if resources[r]["Type"] == "AWS::Organizations::Account")]
        joiner = json.loads(json.dumps(resources[last]))
        joiner["Properties"].update(AccountName="Joiner", Email="aws+joiner@example.com")
        joiner["DependsOn"] = [last]
        resources["AccountZJoiner"] = joiner

    changed = edited(assembly, tmp_path, "OrganizationAccounts02", join)
    with emulated_aws():
        engine = Engine(account_quota=QUOTA)
        deploy_assembly(engine, assembly, EXAMPLE_PARAMETERS)
        engine.events.clear()
        deploy_assembly(engine, changed, EXAMPLE_PARAMETERS)
    stack_changes = {(e.stack, e.logical_id, e.action) for e in engine.events if e.stack.startswith("Organization")}
    assert stack_changes == {("OrganizationAccounts02", "AccountZJoiner", "CREATE")}
