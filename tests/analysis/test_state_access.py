"""The access matrix from state, on a small hand-built organization: the SCP and RCP chains of
the enabled types apply, and only those."""

from orgboot.analysis.access import Access, state_access
from orgboot.state.baseline import Baseline, GroupView
from orgboot.state.member_roles import RoleView
from orgboot.state.organization import Node, Organization

ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
RCP_ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
NO_ASSUME = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*"}]}
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole"}],
}


def organization(types: list[str], rcp_on_workloads: bool) -> Organization:
    def attached(*extra: str) -> dict[str, list[str]]:
        policies = {"SERVICE_CONTROL_POLICY": ["FullAWSAccess"]}
        if "RESOURCE_CONTROL_POLICY" in types:
            policies["RESOURCE_CONTROL_POLICY"] = ["RCPFullAWSAccess", *extra]
        return policies

    prod = Node("111111111111", "Prod", "account", attached())
    dev = Node("222222222222", "Dev", "account", attached())
    workloads = Node("ou-1", "Workloads", "ou", attached(*(["no-assume"] if rcp_on_workloads else [])), [prod], path="Workloads")
    root = Node("r-1", "Root", "root", attached(), [workloads, dev], path="Root")
    documents = {"FullAWSAccess": ALLOW_ALL, "RCPFullAWSAccess": RCP_ALLOW_ALL, "no-assume": NO_ASSUME}
    return Organization("o-1", "999999999999", types, root, documents)


BASELINE = Baseline(None, None, [], {}, [], {"Ops": GroupView([], {}, [], documents=[("admin", ALLOW_ALL)])}, {}, [])
ROLES = {account: {"Admin": RoleView(TRUST, ())} for account in ("111111111111", "222222222222")}


def test_an_rcp_denying_assume_role_keeps_the_group_out():
    both = ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"]
    assert state_access(BASELINE, organization(both, rcp_on_workloads=True), ROLES) == [Access("Ops", "Admin", ("Dev",))]
    assert state_access(BASELINE, organization(both, rcp_on_workloads=False), ROLES) == [Access("Ops", "Admin", ("Dev", "Prod"))]


def test_only_enabled_policy_types_apply():
    assert state_access(BASELINE, organization(["SERVICE_CONTROL_POLICY"], rcp_on_workloads=False), ROLES) == [
        Access("Ops", "Admin", ("Dev", "Prod"))
    ]


def test_the_principals_organization_path_is_in_the_request():
    # An RCP letting in only principals under the organization's path: the group's members are.
    only_ours = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*",
                 "Condition": {"ForAllValues:StringNotLike": {"aws:PrincipalOrgPaths": ["o-1/*"]}}}]}  # fmt: skip
    org = organization(["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"], rcp_on_workloads=True)
    org.documents["no-assume"] = only_ours
    assert state_access(BASELINE, org, ROLES) == [Access("Ops", "Admin", ("Dev", "Prod"))]
