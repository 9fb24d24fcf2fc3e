"""The access matrix from state: which group can become which role in which accounts."""

from orgboot.analysis.access import Access, access_matrix
from orgboot.state.baseline import Baseline, GroupView
from orgboot.state.organization import Node, Organization

# o-1 / r-1 / (ou-prod: prod-a, prod-b) (ou-dev: dev-a) + management account
ROOT = Node(
    "r-1",
    "Root",
    "root",
    path="Root",
    children=[
        Node("ou-prod", "Prod", "ou", path="Prod", children=[Node("111", "Prod A", "account"), Node("112", "Prod B", "account")]),
        Node("ou-dev", "Dev", "ou", path="Dev", children=[Node("221", "Dev A", "account")]),
        Node("999", "Management", "account"),
    ],
)
ORGANIZATION = Organization("o-1", "999", ["SERVICE_CONTROL_POLICY"], ROOT)


def baseline(grants: list[tuple[str, list[str]]]) -> Baseline:
    group = GroupView(managed_policies=[], inline_policies={}, members=[], assumable_roles=grants)
    return Baseline(None, None, [], {}, [], {"Ops": group}, {}, [])


def test_a_grant_reaches_the_accounts_under_its_paths_where_the_role_exists():
    roles = {"111": {"Admin"}, "112": {"ReadOnly"}, "221": {"Admin"}}
    matrix = access_matrix(baseline([("arn:aws:iam::*:role/Admin", ["o-1/r-1/ou-prod/*"])]), ORGANIZATION, roles)
    assert matrix == [Access("Ops", "Admin", ("Prod A",))]  # Prod B lacks the role; Dev A is outside the path


def test_a_root_grant_reaches_every_account_with_the_role_sorted_by_name():
    roles = {"111": {"Admin"}, "112": {"Admin"}, "221": {"Admin"}}
    matrix = access_matrix(baseline([("arn:aws:iam::*:role/Admin", ["o-1/r-1/*"])]), ORGANIZATION, roles)
    assert matrix == [Access("Ops", "Admin", ("Dev A", "Prod A", "Prod B"))]


def test_several_paths_and_grants_without_paths():
    roles = {"111": {"Admin"}, "112": {"Admin"}, "221": {"Admin"}}
    grants = [("arn:aws:iam::*:role/Admin", ["o-1/r-1/ou-dev/*", "o-1/r-1/ou-prod/*"]), ("arn:aws:iam::999:role/AWSSupport", [])]
    matrix = access_matrix(baseline(grants), ORGANIZATION, roles)
    assert matrix == [Access("Ops", "Admin", ("Dev A", "Prod A", "Prod B"))]  # the management account's own role is not listed
