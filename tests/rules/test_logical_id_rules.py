"""Two keys that become one CloudFormation logical ID would be one resource: refused, in every section."""

import pytest

from tests.spec.test_loader import BASE, problems

ROLES = "member_roles:\n  catalogue:\n"


@pytest.mark.parametrize(
    ("addition", "message"),
    [
        (
            "  shop--prod: {name: Other, email: other@example.com, ou: Security}\n",
            "org.yaml:7: accounts.shop--prod: 'shop--prod' and 'shop-prod' both become CloudFormation resource AccountShopProd; rename one",
        ),
        (
            "policies:\n  deny-all: {type: SERVICE_CONTROL_POLICY, document: policies/deny.json, targets: [Root]}\n"
            "  deny_all: {type: SERVICE_CONTROL_POLICY, document: policies/deny.json, targets: [Root]}\n",
            "org.yaml:9: policies.deny_all: 'deny_all' and 'deny-all' both become CloudFormation resource PolicyDenyAll; rename one",
        ),
        (
            "management_baseline:\n  groups:\n    Ops-Team: {}\n    Ops.Team: {}\n",
            "org.yaml:10: management_baseline.groups.Ops.Team: 'Ops.Team' and 'Ops-Team' both become CloudFormation resource GroupOpsTeam; rename one",
        ),
        (
            "management_baseline:\n  groups: {G: {}}\n  users:\n    a-b: {groups: [G]}\n    a.b: {groups: [G]}\n",
            "org.yaml:11: management_baseline.users.a.b: 'a.b' and 'a-b' both become CloudFormation resource UserAB; rename one",
        ),
        (
            ROLES + "    Read-Only: {targets: [Root]}\n    ReadOnly: {targets: [Root]}\n",
            "org.yaml:10: member_roles.catalogue.ReadOnly: 'ReadOnly' and 'Read-Only' both become CloudFormation resource RoleStackSetReadOnly; rename one",
        ),
    ],
)
def test_keys_that_collide_as_logical_ids(tmp_path, addition, message):
    assert problems(tmp_path, BASE + addition) == [message]
