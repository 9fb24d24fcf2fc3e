"""orgboot simulate's answers to the questions people ask (issue 24, points 4 to 7), on the example
organization: a group through the roles it may assume, a third party's own account, the region and
every other key the answer fills in, and the denies an allow escaped through an exemption."""

from typing import Any

import pytest

from orgboot.analysis.simulate import SimulationError, simulate
from tests.conftest import iam_groups_variant

EXTERNAL_AUDITOR = "arn:aws:iam::999988887777:role/Auditor"  # the account org.yaml's ExternalAudit trusts
EXTERNAL_AUDIT_ROLE = "arn:aws:iam::ACCOUNT:role/ExternalAudit"


def test_a_group_in_a_member_account_answers_through_each_role_it_may_assume(iam_groups_spec):
    admins = simulate(iam_groups_spec, account="shop-prod", principal="Admins", action="iam:CreateUser")
    assert (admins.allowed, admins.summary) == (True, "allowed as Admin; denied as ReadOnly")
    assert admins.principal == "group Admins (one of its members)"
    # the path: every role of the account, assumed from the management account or not, then the request
    paths = {route.role: (route.assume and route.assume.decision, route.decision and route.decision.decision) for route in admins.routes}
    assert paths == {
        "Admin": ("allow", "allow"),
        "ReadOnly": ("allow", "implicit_deny"),
        "ExternalAudit": ("implicit_deny", None),  # not granted (and trusting the third party only)
        "OrganizationAccountAccessRole": ("implicit_deny", None),  # break-glass is BreakGlass's
    }
    auditors = simulate(iam_groups_spec, account="shop-prod", principal="Auditors", action="iam:CreateUser")
    assert (auditors.allowed, auditors.summary) == (False, "denied as ReadOnly")
    billing = simulate(iam_groups_spec, account="shop-prod", principal="Billing", action="iam:CreateUser")
    assert (billing.allowed, billing.decision, billing.summary) == (False, "implicit_deny", "the group can assume no role there")


def test_a_user_of_the_baseline_asks_with_all_its_groups(iam_groups_spec):
    bob = simulate(iam_groups_spec, account="shop-prod", principal="bob", action="s3:GetObject", resource="arn:aws:s3:::shop/key")
    assert (bob.principal, bob.summary) == ("user bob (in Billing, Auditors)", "allowed as ReadOnly")  # through Auditors
    at_home = simulate(iam_groups_spec, account="management", principal="bob", action="ce:GetCostAndUsage")  # through Billing
    assert (at_home.allowed, at_home.summary) == (True, "allowed directly")  # neither of his groups assumes a management role
    assert [route.role for route in at_home.routes] == [None, "AWSSupport", "ManagementAdmin"]


def test_a_group_in_the_management_account_makes_the_request_itself(iam_groups_spec):
    """Admins may not assume Admin in audit (not granted there), and may in shop-dev: the question is
    the member's own sts:AssumeRole, signed in with MFA (listed as assumed), the route without a role."""
    ask: dict[str, Any] = {
        "account": "management",
        "principal": "Admins",
        "action": "sts:AssumeRole",
        "resource": "arn:aws:iam::ACCOUNT:role/Admin",
    }
    audit = simulate(iam_groups_spec, **ask, resource_account="audit")
    directly = audit.routes[0]
    assert (directly.role, directly.decision and directly.decision.decision) == (None, "implicit_deny")
    shop = simulate(iam_groups_spec, **ask, resource_account="shop-dev")
    assert shop.allowed
    assert shop.routes[0].allowed
    assert {a.key: a.value for a in shop.assumed}["aws:MultiFactorAuthPresent"] == "true"
    without_mfa = simulate(iam_groups_spec, **ask, resource_account="shop-dev", context={"aws:MultiFactorAuthPresent": "false"})
    assert not without_mfa.allowed
    assert "aws:MultiFactorAuthPresent" not in {a.key for a in without_mfa.assumed}


def test_administrators_act_in_the_management_account_as_the_admin_role(iam_groups_spec):
    """CIS 1.15: no AdministratorAccess on a group; its members assume ManagementAdmin, with MFA no
    older than its trust allows, and the role reaches no other account."""
    admins = simulate(iam_groups_spec, account="management", principal="Admins", action="iam:CreateUser")
    assert (admins.allowed, admins.summary) == (True, "denied directly; denied as AWSSupport; allowed as ManagementAdmin")
    breakglass = simulate(iam_groups_spec, account="management", principal="BreakGlass", action="iam:CreateUser")
    assert (breakglass.allowed, breakglass.summary) == (True, "denied directly; allowed as ManagementAdmin")
    auditors = simulate(iam_groups_spec, account="management", principal="Auditors", action="iam:CreateUser")
    assert (auditors.allowed, auditors.summary) == (False, "denied directly")
    stale = simulate(
        iam_groups_spec, account="management", principal="Admins", action="iam:CreateUser", context={"aws:MultiFactorAuthAge": "3600"}
    )
    assert [(r.role, r.assume and r.assume.decision) for r in stale.routes][2] == (
        "ManagementAdmin",
        "implicit_deny",
    )  # NumericLessThan 3600
    assert not stale.allowed
    ask: dict[str, Any] = {
        "action": "sts:AssumeRole",
        "resource": "arn:aws:iam::ACCOUNT:role/OrganizationAccountAccessRole",
        "resource_account": "shop-prod",
    }
    chained = simulate(iam_groups_spec, account="management", principal="ManagementAdmin", **ask)
    assert chained.decision == "explicit_deny"
    assert [s.sid for s in chained.routes[0].decision.statements] == ["DenyAssumeRoleOutsideThisAccount"]  # type: ignore[union-attr]
    assert simulate(iam_groups_spec, account="management", principal="BreakGlass", **ask).allowed  # its break-glass grant


def test_a_third_party_keeps_its_own_account(iam_groups_spec):
    """The external auditor's account is not rewritten into the organization: its trust holds."""
    in_prod = simulate(
        iam_groups_spec, account="shop-prod", principal=EXTERNAL_AUDITOR, action="sts:AssumeRole", resource=EXTERNAL_AUDIT_ROLE
    )
    assert in_prod.allowed, in_prod.summary
    assert in_prod.principal == f"{EXTERNAL_AUDITOR} (outside the organization)"
    assumed = {a.key: a for a in in_prod.assumed}
    assert "aws:PrincipalOrgID" not in assumed  # a third party is in no organization of ours
    assert "deploy-time parameter" in assumed["sts:ExternalId"].why
    wrong_id = simulate(iam_groups_spec, account="shop-prod", principal=EXTERNAL_AUDITOR, action="sts:AssumeRole",
                        resource=EXTERNAL_AUDIT_ROLE, context={"sts:ExternalId": "guessed"})  # fmt: skip
    assert not wrong_id.allowed
    # shop-dev has no ExternalAudit role (it targets Security and Workloads/Prod)
    assert not simulate(
        iam_groups_spec, account="shop-dev", principal=EXTERNAL_AUDITOR, action="sts:AssumeRole", resource=EXTERNAL_AUDIT_ROLE
    ).allowed


def test_account_or_a_known_account_id_stands_for_the_account_and_nothing_else(tmp_path):
    spec = iam_groups_variant(tmp_path, lambda data: data["accounts"]["shop-dev"].update(account_id="210987654321"))
    ask: dict[str, Any] = {"account": "shop-dev", "action": "ec2:RunInstances", "region": "ap-south-1"}
    for principal in ("arn:aws:iam::ACCOUNT:role/app", "arn:aws:iam::210987654321:role/app"):
        answer = simulate(spec, principal=principal, **ask)
        assert answer.decision == "explicit_deny"  # the region deny over Workloads holds the account's principals
        assert answer.principal == "arn:aws:iam::shop-dev:role/app"  # the account's key, not its offline stand-in ID
    outside = simulate(spec, principal="arn:aws:iam::123456789012:role/app", **ask)
    assert outside.principal == "arn:aws:iam::123456789012:role/app (outside the organization)"
    with pytest.raises(SimulationError, match="is in account shop-dev, but --account says account shop-prod"):
        simulate(spec, account="shop-prod", principal="arn:aws:iam::210987654321:role/app", action="ec2:RunInstances")
    with pytest.raises(SimulationError, match="the account field '1' is neither ACCOUNT"):
        simulate(spec, account="shop-dev", principal="arn:aws:iam::1:role/app", action="ec2:RunInstances")


def test_the_region_defaults_to_one_the_organization_allows_and_says_so(iam_groups_spec):
    app: dict[str, Any] = {"principal": "arn:aws:iam::ACCOUNT:role/app", "action": "ec2:RunInstances"}
    shop = simulate(iam_groups_spec, account="shop-dev", **app)
    assert shop.allowed
    region = {a.key: a for a in shop.assumed}["aws:RequestedRegion"]
    assert (region.value, region.why) == (
        "eu-west-1",
        "the first region region-deny over account shop-dev allows (--region to ask about another)",
    )
    assert simulate(iam_groups_spec, account="shop-dev", region="ap-south-1", **app).decision == "explicit_deny"
    sandbox = {a.key: a.value for a in simulate(iam_groups_spec, account="sandbox-alice", **app).assumed}
    assert sandbox["aws:RequestedRegion"] == "us-east-1"  # no region-deny over Sandbox: the home region
    with pytest.raises(SimulationError, match="disagree"):
        simulate(iam_groups_spec, account="shop-dev", region="eu-west-1", context={"aws:requestedregion": "us-east-1"}, **app)


def test_every_key_the_answer_fills_in_is_listed(iam_groups_spec):
    answer = simulate(iam_groups_spec, account="shop-prod", principal="Admins", action="s3:GetObject", resource="arn:aws:s3:::b/k",
                      context={"AWS:SecureTransport": "true"})  # fmt: skip
    assert {a.key for a in answer.assumed} == {
        "aws:RequestedRegion",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",  # twice: the group member's, then the role's (in shop-prod)
        "aws:ResourceOrgID",
        "aws:ResourceOrgPaths",
        "aws:MultiFactorAuthPresent",
        "aws:MultiFactorAuthAge",
    }
    assert answer.summary == "allowed as Admin; allowed as ReadOnly"  # SecureTransport given (any case): not assumed
    assert [a.value for a in answer.assumed if a.key == "aws:PrincipalOrgPaths"] == [
        ("o-orgboot/r-orgboot/000000000000/",),
        (f"o-orgboot/r-orgboot/{_ou(iam_groups_spec, 'Workloads')}/{_ou(iam_groups_spec, 'Workloads/Prod')}/100000000005/",),
    ]


def _ou(spec, path):
    return f"ou-{spec.ou_paths.index(path):04d}"


def test_an_allow_shows_the_denies_it_escaped_through_an_exemption(iam_groups_spec):
    delete: dict[str, Any] = {"action": "iam:DeleteRole", "resource": "arn:aws:iam::ACCOUNT:role/Admin"}
    access = simulate(iam_groups_spec, account="shop-prod", principal="OrganizationAccountAccessRole", **delete)
    assert access.allowed
    assert [e.label for e in access.routes[0].escaped] == [
        "guardrail protect-orgboot-roles would deny; OrganizationAccountAccessRole is exempt"
    ]
    assert simulate(iam_groups_spec, account="shop-prod", principal="Admin", **delete).decision == "explicit_deny"
    plain = simulate(iam_groups_spec, account="shop-prod", principal="Admin", action="iam:CreateUser")
    assert plain.allowed
    assert plain.routes[0].escaped == ()
    break_glass = simulate(iam_groups_spec, account="shop-prod", principal="BreakGlass", **delete)
    assert break_glass.summary == "allowed as OrganizationAccountAccessRole"
    (route,) = break_glass.reached
    assert [e.label for e in route.escaped] == ["guardrail protect-orgboot-roles would deny; OrganizationAccountAccessRole is exempt"]


def test_an_unknown_principal_is_refused_with_what_is_known(iam_groups_spec):
    with pytest.raises(SimulationError) as refused:
        simulate(iam_groups_spec, account="shop-prod", principal="Admis", action="iam:CreateUser")
    assert "(did you mean 'Admins'?)" in str(refused.value)
    assert refused.value.key == "principal"
    with pytest.raises(SimulationError, match=r"no account 'shop-prd' in the spec \(did you mean 'shop-prod'\?\)"):
        simulate(iam_groups_spec, account="shop-prd", principal="Admins", action="iam:CreateUser")


# Review of issue 24: one labeller, no silent resource, no unknown region, steps named, no stand-ins.

FREEZE = {  # a written SCP whose name in AWS is not its key; the access role is exempt
    "Version": "2012-10-17",
    "Statement": [{"Sid": "Freeze", "Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*",
                   "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccessRole"}}}],
}  # fmt: skip


def _with_freeze(tmp_path):
    import json

    (tmp_path / "extra").mkdir(parents=True)
    (tmp_path / "extra" / "freeze.json").write_text(json.dumps(FREEZE))
    freeze = {"type": "SERVICE_CONTROL_POLICY", "name": "ProdChangeFreeze", "description": "No new users in prod.",
              "document": "extra/freeze.json", "targets": ["shop-prod"]}  # fmt: skip
    return iam_groups_variant(tmp_path, lambda data: data["policies"].update(freeze=freeze))


def test_denies_name_policies_as_org_yaml_and_aws_do_and_as_the_access_matrix_does(tmp_path):
    from orgboot.analysis.access import spec_access

    spec = _with_freeze(tmp_path)
    region = simulate(spec, account="shop-dev", principal="Admin", action="ec2:RunInstances", region="ap-south-1")
    assert region.why == "explicitly denied by guardrail region-deny (on OU Workloads, statement DenyOutsideAllowedRegions)"
    frozen = simulate(spec, account="shop-prod", principal="Admin", action="iam:CreateUser")
    assert frozen.why == "explicitly denied by SCP ProdChangeFreeze (on account shop-prod, statement Freeze)"
    escaped = simulate(spec, account="shop-prod", principal="OrganizationAccountAccessRole", action="iam:CreateUser")
    assert [e.label for e in escaped.routes[0].escaped] == ["SCP ProdChangeFreeze would deny; OrganizationAccountAccessRole is exempt"]
    # the access matrix names the same exemption the same way
    (break_glass,) = [row for row in spec_access(spec) if row.role == "OrganizationAccountAccessRole"]
    assert "SCP ProdChangeFreeze" in [e.label for e in break_glass.exempt_from]
    guarded = simulate(spec, account="shop-prod", principal="OrganizationAccountAccessRole", action="iam:DeleteRole",
                       resource="arn:aws:iam::ACCOUNT:role/Admin")  # fmt: skip
    assert [e.label for e in guarded.routes[0].escaped] == [
        "guardrail protect-orgboot-roles would deny; OrganizationAccountAccessRole is exempt"
    ]


def test_an_answer_names_accounts_by_key_never_by_stand_in_id(iam_groups_spec):
    app = simulate(iam_groups_spec, account="shop-dev", principal="arn:aws:iam::ACCOUNT:role/app", action="s3:GetObject",
                   resource="arn:aws:s3:::orders/key", resource_account="shop-prod")  # fmt: skip
    assert app.why == "no resource policy in account shop-prod allows arn:aws:iam::shop-dev:role/app"
    assert app.principal == "arn:aws:iam::shop-dev:role/app"
    with pytest.raises(SimulationError, match=r"neither ACCOUNT \(the account --account names\)"):
        simulate(iam_groups_spec, account="shop-dev", principal="arn:aws:iam::1:role/app", action="ec2:RunInstances")
    with pytest.raises(SimulationError, match=r"neither ACCOUNT \(the account --resource-account, else --account, names\)"):
        simulate(iam_groups_spec, account="shop-dev", principal="Admin", action="s3:GetObject", resource="arn:aws:s3::x:orders/key")


def test_the_resource_star_is_assumed_and_a_resource_scoped_deny_asks_for_one(iam_groups_spec):
    """require-imdsv2 denies ec2:RunInstances on instance/*: asked on `*`, no statement applies."""
    launch = simulate(iam_groups_spec, account="shop-dev", principal="Admins", action="ec2:RunInstances")
    assert launch.allowed  # on *, as AWS would decide a request on no resource
    resource = {a.key: a for a in launch.assumed}["resource"]
    assert resource.value == "*"
    assert "a statement scoped to specific resources may decide otherwise" in resource.why
    assert (
        "on instance resources (like arn:aws:ec2:eu-west-1:ACCOUNT:instance/example), SCP require-imdsv2 (on OU Workloads,"
        " statement RequireImdsV2) would deny it: give --resource" in launch.notes
    )
    given = simulate(iam_groups_spec, account="shop-dev", principal="Admins", action="ec2:RunInstances",
                     resource="arn:aws:ec2:eu-west-1:ACCOUNT:instance/i-1")  # fmt: skip
    assert not given.allowed
    assert "resource" not in {a.key for a in given.assumed}
    plain = simulate(iam_groups_spec, account="shop-dev", principal="Admins", action="iam:ListRoles")
    assert not [note for note in plain.notes if "give --resource" in note]


def test_a_region_aws_does_not_know_is_refused(iam_groups_spec):
    with pytest.raises(SimulationError, match=r"--region eu-wset-1: AWS has no such region \(did you mean 'eu-west-1'\?\)") as refused:
        simulate(iam_groups_spec, account="shop-dev", principal="Admin", action="ec2:RunInstances", region="eu-wset-1")
    assert refused.value.key == "region"


def test_a_group_lists_each_assumed_key_once_per_step(iam_groups_spec):
    answer = simulate(iam_groups_spec, account="shop-prod", principal="Admins", action="s3:GetObject", resource="arn:aws:s3:::b/k")
    paths = [(a.step, a.value) for a in answer.assumed if a.key == "aws:PrincipalOrgPaths"]
    assert paths == [
        ("sts:AssumeRole from the management account", ("o-orgboot/r-orgboot/000000000000/",)),
        (
            "the request as the role",
            (f"o-orgboot/r-orgboot/{_ou(iam_groups_spec, 'Workloads')}/{_ou(iam_groups_spec, 'Workloads/Prod')}/100000000005/",),
        ),
    ]
    keys = [(a.step, a.key) for a in answer.assumed]
    assert len(keys) == len(set(keys))
    assert {a.step for a in answer.assumed if a.key != "aws:PrincipalOrgPaths"} == {""}  # the same in every step: once
