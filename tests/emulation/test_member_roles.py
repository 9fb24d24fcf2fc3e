"""StackSets in the emulator: roles land in every account under the target OUs (nested OUs too,
never the management account), with the trust and policies of the catalogue, and follow accounts
that join or leave those OUs on the next deploy."""

import pytest

from orgboot.emulator import Engine, deploy_assembly, emulated_aws, management
from orgboot.emulator.aws import assume
from orgboot.state.organization import read_organization
from tests.conftest import EXAMPLE_PARAMETERS
from tests.emulation.expected import roles_by_account_name


@pytest.fixture(scope="module")
def deployed(iam_groups_assembly):
    with emulated_aws():
        deploy_assembly(Engine(), iam_groups_assembly, EXAMPLE_PARAMETERS)
        yield


def test_roles_land_where_their_targets_say(deployed):
    assert roles_by_account_name() == {
        "master": set(),  # the management account is never a StackSet target
        "Audit": {"Admin", "ReadOnly", "ExternalAudit"},
        "Log Archive": {"Admin", "ReadOnly", "ExternalAudit"},
        "Network": {"Admin", "ReadOnly"},
        "Shop Prod": {"Admin", "ReadOnly", "ExternalAudit"},  # Workloads/Prod, under the Workloads target
        "Shop Dev": {"Admin", "ReadOnly"},
        "Sandbox Alice": {"Admin", "ReadOnly"},
    }


def test_trust_and_policies_in_a_member_account(deployed):
    organization = read_organization(management().client("organizations"))
    shop_prod = next(a for a, n in organization.accounts().items() if n.name == "Shop Prod")
    iam = assume(shop_prod).client("iam")
    admin = iam.get_role(RoleName="Admin")["Role"]
    (statement,) = admin["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert statement["Condition"]["Bool"] == {"aws:MultiFactorAuthPresent": "true"}
    assert admin["MaxSessionDuration"] == 3600
    assert [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName="Admin")["AttachedPolicies"]] == ["AdministratorAccess"]
    audit = iam.get_role(RoleName="ExternalAudit")["Role"]
    (statement,) = audit["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::999988887777:root"}
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": "test-external-id"}}
    assert [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName="ExternalAudit")["AttachedPolicies"]] == ["SecurityAudit"]
    assert iam.get_role(RoleName="ReadOnly")["Role"]["MaxSessionDuration"] == 4 * 3600
