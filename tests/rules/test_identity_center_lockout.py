"""The lockout checks and the access warning cover IAM Identity Center (issue 26, point 2): sign-in
through SAML that an RCP refuses is a lockout; a permission set the organization policies leave
nothing of is a warning at its assignment; and no StackSet is asked to deploy Identity Center's roles."""

import json

from orgboot.aws.identity_center import role_arn_pattern
from orgboot.policy.guardrails.data_perimeter_identities import STS_ACTIONS
from orgboot.rules import load_spec, warnings
from tests.analysis.test_identity_center_access import SPEC, freeze
from tests.spec.test_loader import problems, write

WITH_RCPS = SPEC.replace("policy_types: [SERVICE_CONTROL_POLICY]", "policy_types: [SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY]")
NOTHING = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}]}


def perimeter(actions):
    """An identity perimeter: the organization's STS answers its own principals only."""
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "OwnPrincipalsOnly", "Effect": "Deny", "Principal": "*", "Action": actions, "Resource": "*",
        "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abcdefghij"},
                      "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]}  # fmt: skip


def with_perimeter(actions):
    text = WITH_RCPS.replace(
        "identity_center:",
        "  perimeter: {type: RESOURCE_CONTROL_POLICY, document: policies/perimeter.json, targets: [Workloads]}\nidentity_center:",
    )
    return text, {"policies/prod-freeze.json": json.dumps(NOTHING), "policies/perimeter.json": json.dumps(perimeter(actions), indent=2)}


def test_an_rcp_that_refuses_saml_sign_in_locks_people_out(tmp_path):
    found = [p.replace(f"{tmp_path}/", "") for p in problems(tmp_path, *with_perimeter("sts:*"))]
    fix = (
        ": RCP perimeter attached to OU Workloads: statement 'OwnPrincipalsOnly' denies it; leave sts:AssumeRoleWithSAML out"
        " of the deny's actions, as AWS's data perimeter examples do (a federated sign-in carries no aws:PrincipalOrgID)"
    )
    assert found == [
        "policies/perimeter.json:4: Statement.0: in accounts dev, prod, Identity Center cannot sign anyone in as permission set"
        f" PlatformAdmin (sts:AssumeRoleWithSAML){fix}",
        "policies/perimeter.json:4: Statement.0: in account dev, Identity Center cannot sign anyone in as permission set"
        f" Builder (sts:AssumeRoleWithSAML){fix}",
        "policies/perimeter.json:4: Statement.0: in account prod, Identity Center cannot sign anyone in as permission set"
        f" ReadOnly (sts:AssumeRoleWithSAML){fix}",
    ]


def test_a_perimeter_that_leaves_saml_out_lets_people_in(tmp_path):
    """AWS's example (and orgboot's data-perimeter-identities guardrail) lists the STS actions
    without AssumeRoleWithSAML: nothing to say."""
    text, files = with_perimeter(list(STS_ACTIONS))
    load_spec(write(tmp_path, text, files))  # no problem


def test_a_freeze_that_leaves_a_permission_set_nothing_is_a_warning_at_its_assignment(tmp_path):
    path = write(tmp_path, SPEC, {"policies/prod-freeze.json": json.dumps(freeze())})
    found = [str(w).replace(f"{tmp_path}/", "") for w in warnings(path, load_spec(path)) if "assignment of" in str(w)]
    assert found == [
        "org.yaml:20: identity_center.assignments.2.permission_set: Developers' assignment of permission set ReadOnly in"
        " account prod (Workloads/Prod) is denied every probed action by SCP prod-freeze: the grant gives nothing there"
        " (10 actions its policies allow probed)",
        "org.yaml:18: identity_center.assignments.0.permission_set: Platform's assignment of permission set PlatformAdmin in"
        " account prod (Workloads/Prod) is denied every probed action by SCP prod-freeze: the grant gives nothing there"
        " (20 actions its policies allow probed)",
    ]


def test_no_stackset_is_asked_to_deploy_identity_centers_roles(tmp_path):
    """Identity Center provisions its roles through its service-linked role, which SCPs do not
    restrict: a deny of IAM on its roles to everyone else stops no deploy of ours."""
    reserved = {"Version": "2012-10-17", "Statement": [{"Sid": "KeepSsoRoles", "Effect": "Deny", "Action": "iam:*",
                "Resource": "arn:aws:iam::*:role/*AWSReservedSSO_*"}]}  # fmt: skip
    load_spec(write(tmp_path, SPEC, {"policies/prod-freeze.json": json.dumps(reserved)}))  # no problem


def test_an_exemption_of_a_permission_set_without_its_path_is_warned_of(tmp_path):
    """aws:PrincipalArn carries the path: role/AWSReservedSSO_... exempts nobody; the pattern with the
    path (role_arn_pattern) names a role the accounts have."""
    path_less = write(
        tmp_path, SPEC, {"policies/prod-freeze.json": json.dumps(freeze("arn:aws:iam::*:role/AWSReservedSSO_PlatformAdmin_*"))}
    )
    found = [str(w) for w in warnings(path_less, load_spec(path_less)) if "a role no account has" in str(w)]
    assert len(found) == 1
    assert "SCP prod-freeze exempts arn:aws:iam::*:role/AWSReservedSSO_PlatformAdmin_*, a role no account has" in found[0]
    assert "aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PlatformAdmin_*" in found[0]  # what the accounts have
    with_path = write(tmp_path, SPEC, {"policies/prod-freeze.json": json.dumps(freeze(role_arn_pattern("PlatformAdmin")))})
    assert not [w for w in warnings(with_path, load_spec(with_path)) if "a role no account has" in str(w)]
