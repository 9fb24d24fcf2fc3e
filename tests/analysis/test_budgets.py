"""Each target's budget of organization policies (orgboot/analysis/budgets.py): AWS's default policy
counts where it is attached, and FullAWSAccess is not attached where org.yaml says it was detached."""

import json

from orgboot.analysis.budgets import Budget, budgets
from orgboot.rules import load_spec
from tests.spec.test_loader import BASE, write

ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
RCP = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}
SPEC = BASE.replace(
    "organization:\n  policy_types: [SERVICE_CONTROL_POLICY]\n",
    "organization:\n  policy_types: [SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY]\n  full_aws_access_detached: [Security]\n",
) + (
    "policies:\n"
    "  allow-all: {type: SERVICE_CONTROL_POLICY, document: policies/allow.json, targets: [Security, Workloads]}\n"
    "  deny: {type: SERVICE_CONTROL_POLICY, document: policies/deny.json, targets: [Security]}\n"
    "  perimeter: {type: RESOURCE_CONTROL_POLICY, document: policies/rcp.json, targets: [Security]}\n"
)


def test_full_aws_access_counts_only_where_it_is_attached(tmp_path):
    spec = load_spec(write(tmp_path, SPEC, {"policies/allow.json": json.dumps(ALLOW_ALL), "policies/rcp.json": json.dumps(RCP)}))
    found = {(b.target, b.policy_type): b for b in budgets(spec)}
    security = found[("Security", "SERVICE_CONTROL_POLICY")]
    assert (security.attached, security.default_detached, security.default_policy) == (("allow-all", "deny"), True, None)
    assert (security.used, security.allowed, security.own_allowed) == (2, 10, 10)
    workloads = found[("Workloads", "SERVICE_CONTROL_POLICY")]
    assert (workloads.default_detached, workloads.default_policy) == (False, "FullAWSAccess")
    assert (workloads.used, workloads.allowed, workloads.own_allowed) == (2, 10, 9)
    # Only FullAWSAccess is detached: RCPFullAWSAccess still counts there.
    rcp = found[("Security", "RESOURCE_CONTROL_POLICY")]
    assert (rcp.default_policy, rcp.used, rcp.allowed, rcp.own_allowed) == ("RCPFullAWSAccess", 2, 5, 4)


def test_types_without_a_default_policy_count_only_ours():
    budget = Budget("Root", "TAG_POLICY", ("a", "b"), 10)
    assert (budget.default_policy, budget.used, budget.own_allowed) == (None, 2, 10)
