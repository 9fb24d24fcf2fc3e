"""Every list the emulator and the read-back make is paginated: moto pages Organizations at 20,
so one OU with 25 accounts proves it (before, 5 accounts got no roles and emulate said nothing)."""

from bench.generate import generate
from orgboot.emulator import Engine, deploy_assembly, emulated_aws, management
from orgboot.emulator.aws import assume
from orgboot.rules import load_spec
from orgboot.state.member_roles import read_member_roles
from orgboot.state.organization import read_organization
from tests.conftest import EXAMPLE_PARAMETERS, synth


def test_an_ou_with_more_accounts_than_a_page(tmp_path):
    spec = load_spec(generate(25, tmp_path / "org"))
    assembly = synth(spec, tmp_path / "cdk.out")
    with emulated_aws():
        deploy_assembly(Engine(account_quota=26), assembly, EXAMPLE_PARAMETERS)  # 25 accounts: the quota raised
        organization = read_organization(management().client("organizations"))
        roles = read_member_roles(organization, assume)
    team = organization.ous()["Workloads/Prod/Team0000"]
    assert len([child for child in team.children if child.kind == "account"]) == 25
    assert len(roles) == 25
    assert all("ExternalAudit" in account_roles for account_roles in roles.values())  # the example's member role, on Workloads/Prod
