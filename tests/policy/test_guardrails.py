"""Every guardrail of the library, through the policy evaluator: a request it lets through and one
it denies, each as AWS would decide it with the guardrail attached to the account's OU. And every
guardrail passes the policy lint, with and without its parameters."""

from dataclasses import replace
from typing import Any

import pytest

from orgboot.policy.evaluation import Applicable, Level, OrganizationPolicies, Request, evaluate
from orgboot.policy.guardrails import REGISTRY, OrgbootRoles, guardrail_of_sid
from orgboot.policy.guardrails.packing import Enabled, pack, pack_key
from orgboot.policy.guardrails.region_deny import RegionDeny
from orgboot.policy.lint import KIND_OF_POLICY_TYPE, lint
from orgboot.policy.matching import Caller
from orgboot.policy.statements import PolicyRef, parse

MANAGEMENT, MEMBER, PARTNER, STRANGER = "111111111111", "222222222222", "999988887777", "333333333333"
ORGANIZATION = "o-exampleorg1"
ROLES = OrgbootRoles(("OrganizationAccountAccessRole", "OrgBreakGlass"), ("Admin", "ReadOnly"), (PARTNER,))


def role(name: str, account: str = MEMBER) -> Caller:
    return Caller(f"arn:aws:iam::{account}:role/{name}", account, "role")


DEVELOPER = role("Developer")
ADMIN = role("Admin")
ACCESS_ROLE = role("OrganizationAccountAccessRole")
RENAMED_ACCESS_ROLE = role("OrgBreakGlass")
EXECUTION_ROLE = role("stacksets-exec-0123456789abcdef0123456789abcdef")
BREAK_GLASS = role("BreakGlass")
MEMBER_ROOT = Caller(f"arn:aws:iam::{MEMBER}:root", MEMBER, "root")
IN_ORGANIZATION = {"aws:PrincipalOrgID": ORGANIZATION, "aws:ResourceOrgID": ORGANIZATION, "aws:SecureTransport": "true"}
FROM_OUTSIDE = {"aws:PrincipalOrgID": None}  # a principal in no organization: the key is absent
# A service principal calling for someone: it has no organization of its own (aws:PrincipalOrgID is
# absent); aws:SourceAccount and aws:SourceOrgID say for whom, when the service sends them.
CLOUDTRAIL = Caller("cloudtrail.amazonaws.com", None, "service")
AS_A_SERVICE = {"aws:PrincipalOrgID": None}

ALLOW_ALL = parse(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}, PolicyRef("admin", "identity")
)
# A bucket (or key, queue, ...) policy that lets anyone in: only the RCP stands between.
OPEN_RESOURCE = parse(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]},
    PolicyRef("open bucket policy", "resource"),
)


def decide(
    name: str,
    parameters: dict[str, Any],
    caller: Caller,
    action: str,
    resource: str = "*",
    context: dict[str, Any] | None = None,
    roles: OrgbootRoles = ROLES,
):
    guardrail = REGISTRY[name]
    statements = guardrail.statements(guardrail.parameters.model_validate(parameters), roles)
    (document,) = pack([Enabled(name, guardrail.policy_type, ("Workloads",), tuple(statements))])
    kind = KIND_OF_POLICY_TYPE[guardrail.policy_type]
    attached = parse(document.content, PolicyRef(document.key, kind, "OU Workloads"))  # type: ignore[arg-type]
    full = parse(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", **({"Principal": "*"} if kind == "rcp" else {})}],
        },
        PolicyRef("FullAWSAccess", kind),  # type: ignore[arg-type]
    )
    chain = (Level("Root", (full,)), Level("OU Workloads", (full, attached)), Level("account", (full,)))
    organization = OrganizationPolicies(MANAGEMENT, {MEMBER: chain} if kind == "scp" else {}, {MEMBER: chain} if kind == "rcp" else {})
    context = {key: value for key, value in {**IN_ORGANIZATION, **(context or {})}.items() if value is not None}
    request = Request(caller, action, resource, MEMBER, context)
    return evaluate(request, Applicable(identity=(ALLOW_ALL,), resource=OPEN_RESOURCE if kind == "rcp" else None), organization)


ROLE = "arn:aws:iam::222222222222:role/{}"
CASES = [
    # (guardrail, parameters, caller, action, resource, context, allowed, why)
    ("deny-leave-organization", {}, ADMIN, "organizations:DescribeOrganization", "*", {}, True, "reading is fine"),
    ("deny-leave-organization", {}, ADMIN, "organizations:LeaveOrganization", "*", {}, False, "leaving"),
    ("deny-leave-organization", {}, ADMIN, "account:CloseAccount", "*", {}, False, "closing"),
    ("deny-leave-organization", {}, ACCESS_ROLE, "organizations:LeaveOrganization", "*", {}, False, "break-glass does not leave either"),
    ("deny-leave-organization", {}, EXECUTION_ROLE, "account:CloseAccount", "*", {}, False, "nor do the StackSets"),
    ("deny-root-user", {}, MEMBER_ROOT, "s3:GetObject", "*", {"aws:AssumedRoot": "true"}, True, "centralized root access"),
    ("deny-root-user", {}, MEMBER_ROOT, "s3:GetObject", "*", {}, False, "the root user signing in"),
    ("deny-root-user", {}, ADMIN, "s3:GetObject", "*", {}, True, "a role is not the root user"),
    ("deny-root-access-keys", {}, ADMIN, "iam:CreateAccessKey", "*", {}, True, "a role's request (users are another guardrail's)"),
    ("deny-root-access-keys", {}, MEMBER_ROOT, "iam:CreateAccessKey", "*", {}, False, "root access keys"),
    (
        "region-deny",
        {"allowed_regions": ["eu-west-1"]},
        DEVELOPER,
        "ec2:RunInstances",
        "*",
        {"aws:RequestedRegion": "eu-west-1"},
        True,
        "allowed region",
    ),
    (
        "region-deny",
        {"allowed_regions": ["eu-west-1"]},
        DEVELOPER,
        "ec2:RunInstances",
        "*",
        {"aws:RequestedRegion": "us-west-2"},
        False,
        "other region",
    ),
    (
        "region-deny",
        {"allowed_regions": ["eu-west-1"]},
        DEVELOPER,
        "iam:CreateRole",
        "*",
        {"aws:RequestedRegion": "us-east-1"},
        True,
        "IAM is global",
    ),
    (
        "region-deny",
        {"allowed_regions": ["eu-west-1"]},
        EXECUTION_ROLE,
        "cloudformation:CreateStack",
        "*",
        {"aws:RequestedRegion": "us-east-1"},
        True,
        "StackSets deploy",
    ),
    (
        "region-deny",
        {"allowed_regions": ["eu-west-1"]},
        EXECUTION_ROLE,
        "ec2:RunInstances",
        "*",
        {"aws:RequestedRegion": "us-west-2"},
        False,
        "StackSets in no region but theirs",
    ),
    (
        "region-deny",
        {"allowed_regions": ["eu-west-1"]},
        DEVELOPER,
        "cloudformation:CreateStack",
        "*",
        {"aws:RequestedRegion": "us-east-1"},
        False,
        "the StackSets' region is theirs alone",
    ),
    (
        "region-deny",
        {"allowed_regions": ["eu-west-1"]},
        ACCESS_ROLE,
        "ec2:RunInstances",
        "*",
        {"aws:RequestedRegion": "us-west-2"},
        False,
        "break-glass stays in the allowed regions",
    ),
    (
        "region-deny",
        {"allowed_regions": ["eu-west-1"], "exempt_roles": ["BreakGlass"]},
        BREAK_GLASS,
        "ec2:RunInstances",
        "*",
        {"aws:RequestedRegion": "us-west-2"},
        True,
        "exempt role",
    ),
    ("deny-region-opt-in", {}, ADMIN, "account:EnableRegion", "*", {}, False, "opting in"),
    ("deny-region-opt-in", {}, RENAMED_ACCESS_ROLE, "account:EnableRegion", "*", {}, False, "break-glass: the management account opts in"),
    ("deny-region-opt-in", {}, ADMIN, "account:ListRegions", "*", {}, True, "reading the regions"),
    ("protect-security-services", {}, ADMIN, "cloudtrail:StopLogging", "*", {}, False, "stopping the trail"),
    ("protect-security-services", {}, ADMIN, "guardduty:DeleteDetector", "*", {}, False, "deleting the detector"),
    ("protect-security-services", {}, ADMIN, "cloudtrail:LookupEvents", "*", {}, True, "reading the trail"),
    ("protect-security-services", {"services": ["guardduty"]}, ADMIN, "cloudtrail:StopLogging", "*", {}, True, "CloudTrail not chosen"),
    ("protect-security-services", {}, EXECUTION_ROLE, "config:StopConfigurationRecorder", "*", {}, False, "StackSets run no service"),
    ("protect-security-services", {}, ACCESS_ROLE, "cloudtrail:StopLogging", "*", {}, False, "break-glass cannot blind the trail"),
    ("protect-orgboot-roles", {}, ADMIN, "iam:DeleteRole", ROLE.format("OrganizationAccountAccessRole"), {}, False, "the access role"),
    ("protect-orgboot-roles", {}, ADMIN, "iam:AttachRolePolicy", ROLE.format("ReadOnly"), {}, False, "a member role"),
    ("protect-orgboot-roles", {}, ADMIN, "iam:PutRolePolicy", ROLE.format("stacksets-exec-0123"), {}, False, "the execution role"),
    ("protect-orgboot-roles", {}, ADMIN, "iam:DeleteRole", ROLE.format("app"), {}, True, "an application's role"),
    ("protect-orgboot-roles", {}, EXECUTION_ROLE, "iam:UpdateAssumeRolePolicy", ROLE.format("Admin"), {}, True, "StackSets update it"),
    ("protect-orgboot-roles", {}, EXECUTION_ROLE, "iam:CreateRole", ROLE.format("ReadOnly"), {}, True, "StackSets create it"),
    (
        "protect-orgboot-roles",
        {},
        EXECUTION_ROLE,
        "iam:UpdateAssumeRolePolicy",
        ROLE.format("OrganizationAccountAccessRole"),
        {},
        False,
        "StackSets never touch the access role",
    ),
    ("protect-orgboot-roles", {}, EXECUTION_ROLE, "iam:DeleteRole", ROLE.format("stacksets-exec-0123"), {}, False, "nor themselves"),
    ("protect-orgboot-roles", {}, ACCESS_ROLE, "iam:PutRolePolicy", ROLE.format("Admin"), {}, True, "break-glass repairs a member role"),
    (
        "protect-orgboot-roles",
        {},
        RENAMED_ACCESS_ROLE,
        "iam:AttachRolePolicy",
        ROLE.format("stacksets-exec-0123"),
        {},
        True,
        "break-glass repairs an execution role",
    ),
    ("protect-account-settings", {}, ADMIN, "account:PutAlternateContact", "*", {}, False, "alternate contacts"),
    ("protect-account-settings", {}, ACCESS_ROLE, "account:PutAlternateContact", "*", {}, False, "the management account sets them"),
    ("protect-account-settings", {}, ADMIN, "account:GetAlternateContact", "*", {}, True, "reading them"),
    ("protect-s3-public-access-block", {}, ADMIN, "s3:PutAccountPublicAccessBlock", "*", {}, False, "loosening BPA"),
    ("protect-s3-public-access-block", {}, ADMIN, "s3:PutBucketPublicAccessBlock", "*", {}, True, "a bucket's own setting"),
    ("protect-s3-public-access-block", {}, EXECUTION_ROLE, "s3:PutAccountPublicAccessBlock", "*", {}, False, "StackSets deploy roles only"),
    ("protect-s3-public-access-block", {}, ACCESS_ROLE, "s3:PutAccountPublicAccessBlock", "*", {}, False, "nor break-glass"),
    ("deny-iam-users", {}, ADMIN, "iam:CreateUser", "*", {}, False, "a user"),
    ("deny-iam-users", {}, ADMIN, "iam:CreateRole", "*", {}, True, "a role"),
    ("deny-iam-users", {}, ACCESS_ROLE, "iam:CreateUser", "*", {}, False, "break-glass is a role too"),
    ("deny-iam-users", {"exempt_roles": ["BreakGlass"]}, BREAK_GLASS, "iam:CreateAccessKey", "*", {}, True, "exempt role"),
    ("quarantine", {}, ADMIN, "s3:GetObject", "*", {}, False, "anything"),
    ("quarantine", {}, ACCESS_ROLE, "s3:GetObject", "*", {}, True, "break-glass investigates"),
    ("quarantine", {}, RENAMED_ACCESS_ROLE, "iam:DeleteRole", "*", {}, True, "and cleans up, under any access role name"),
    ("quarantine", {}, EXECUTION_ROLE, "cloudformation:CreateStack", "*", {}, True, "StackSets still deploy"),
    ("data-perimeter-identities", {}, DEVELOPER, "s3:GetObject", "arn:aws:s3:::b/k", {}, True, "a principal of the organization"),
    ("data-perimeter-identities", {}, role("x", STRANGER), "s3:GetObject", "arn:aws:s3:::b/k", FROM_OUTSIDE, False, "a stranger"),
    (
        "data-perimeter-identities",
        {},
        role("auditor", PARTNER),
        "sts:AssumeRole",
        ROLE.format("ExternalAudit"),
        FROM_OUTSIDE,
        True,
        "the member roles' partner",
    ),
    (
        "data-perimeter-identities",
        {"trusted_accounts": [STRANGER]},
        role("x", STRANGER),
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        FROM_OUTSIDE,
        True,
        "a declared partner",
    ),
    (
        "data-perimeter-identities",
        {"services": ["sqs"]},
        role("x", STRANGER),
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        FROM_OUTSIDE,
        True,
        "S3 not chosen",
    ),
    (
        "data-perimeter-identities",
        {},
        role("x", STRANGER),
        "sts:AssumeRoleWithSAML",
        ROLE.format("AWSReservedSSO_Admin"),
        FROM_OUTSIDE,
        True,
        "federated sign-in carries no organization",
    ),
    (
        "data-perimeter-identities",
        {},
        CLOUDTRAIL,
        "s3:PutObject",
        "arn:aws:s3:::b/k",
        {**AS_A_SERVICE, "aws:SourceOrgID": ORGANIZATION, "aws:SourceAccount": MEMBER},
        True,
        "a service acting for the organization",
    ),
    (
        "data-perimeter-identities",
        {},
        CLOUDTRAIL,
        "s3:PutObject",
        "arn:aws:s3:::b/k",
        {**AS_A_SERVICE, "aws:SourceOrgID": "o-otherorg123", "aws:SourceAccount": STRANGER},
        False,
        "a service acting for another organization's account",
    ),
    (
        "data-perimeter-identities",
        {},
        CLOUDTRAIL,
        "s3:PutObject",
        "arn:aws:s3:::b/k",
        {**AS_A_SERVICE, "aws:SourceAccount": STRANGER},
        False,
        "a service acting for an account in no organization",
    ),
    (
        "data-perimeter-identities",
        {},
        CLOUDTRAIL,
        "s3:PutObject",
        "arn:aws:s3:::b/k",
        {**AS_A_SERVICE, "aws:SourceOrgID": "o-partnerorg12", "aws:SourceAccount": PARTNER},
        True,
        "a service acting for the member roles' partner",
    ),
    (
        "data-perimeter-identities",
        {"trusted_accounts": [STRANGER]},
        CLOUDTRAIL,
        "s3:PutObject",
        "arn:aws:s3:::b/k",
        {**AS_A_SERVICE, "aws:SourceAccount": STRANGER},
        True,
        "a service acting for a declared partner",
    ),
    (
        "data-perimeter-identities",
        {},
        role("x", STRANGER),
        "s3:PutObject",
        "arn:aws:s3:::b/k",
        {**FROM_OUTSIDE, "aws:SourceAccount": MEMBER},
        False,
        "a stranger claiming to be a service's source",
    ),
    (
        "data-perimeter-identities",
        {},
        Caller("ec2.amazonaws.com", None, "service"),
        "sts:AssumeRole",
        ROLE.format("ec2-instance"),
        AS_A_SERVICE,
        True,
        "a service assuming a service role, without source keys",
    ),
    ("data-perimeter-https", {}, DEVELOPER, "s3:GetObject", "arn:aws:s3:::b/k", {"aws:SecureTransport": "true"}, True, "over TLS"),
    ("data-perimeter-https", {}, DEVELOPER, "s3:GetObject", "arn:aws:s3:::b/k", {"aws:SecureTransport": "false"}, False, "plain HTTP"),
]


@pytest.mark.parametrize(
    ("name", "parameters", "caller", "action", "resource", "context", "allowed", "why"),
    CASES,
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_guardrail_decides(name, parameters, caller, action, resource, context, allowed, why):
    decision = decide(name, parameters, caller, action, resource, context)
    assert decision.allowed is allowed, f"{name}, {why}: {decision.why}"
    if not allowed:  # denied by the guardrail itself, nothing else
        assert decision.decision == "explicit_deny"
        assert {s.policy.name for s in decision.statements} == {pack_key(REGISTRY[name].policy_type, ["Workloads"])}


@pytest.mark.parametrize("name", sorted(n for n, g in REGISTRY.items() if "exempt_roles" in g.parameters.model_fields))
def test_exempt_roles_lets_the_role_through_every_guardrail_that_has_it(name):
    denied: tuple[Any, ...] = next(case for case in CASES if case[0] == name and not case[-2] and case[2].kind == "role")
    _, parameters, caller, action, resource, context, _, why = denied
    assert not decide(name, parameters, caller, action, resource, context).allowed, why
    exempt = {**parameters, "exempt_roles": [caller.arn.rsplit("/", 1)[1]]}
    assert decide(name, exempt, caller, action, resource, context).allowed, f"{name}: {caller.arn} exempt, {why}"


@pytest.mark.parametrize("action", ["access-analyzer:DeleteAnalyzer", "guardduty:UpdateDetector", "securityhub:DisableSecurityHub"])
def test_protect_security_services_lets_stack_sets_turn_off_what_they_run(action):
    """orgboot's StackSets run security services in member accounts (security_baseline): they turn
    them off when org.yaml does; everyone else still may not."""
    runs_services = replace(ROLES, security_services=True)
    assert decide("protect-security-services", {}, EXECUTION_ROLE, action, roles=runs_services).allowed
    assert not decide("protect-security-services", {}, ACCESS_ROLE, action, roles=runs_services).allowed
    assert not decide("protect-security-services", {}, EXECUTION_ROLE, action).allowed


def test_every_guardrail_is_tested_both_ways():
    assert {name for name, *_ in CASES if _[-2]} == set(REGISTRY)
    assert {name for name, *_ in CASES if not _[-2]} == set(REGISTRY)


MINIMAL = {"region-deny": {"allowed_regions": ["us-east-1"]}}
FULL = {
    "region-deny": {"allowed_regions": ["us-east-1", "eu-west-1"], "exempt_roles": ["BreakGlass"]},
    "protect-security-services": {"services": ["config"], "exempt_roles": ["SecurityTeam"]},
    "data-perimeter-identities": {"services": ["s3", "dynamodb"], "trusted_accounts": [STRANGER]},
    "data-perimeter-https": {"services": ["sqs"]},
}


STACKSETS_REGION_DENIED = {"region-deny": {"allowed_regions": ["eu-west-1"]}}  # the StackSets deploy in us-east-1


@pytest.mark.parametrize(
    "parameters", [MINIMAL, FULL, STACKSETS_REGION_DENIED], ids=["defaults", "every-parameter", "stacksets-region-denied"]
)
@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_guardrail_passes_the_policy_lint(name, parameters):
    guardrail = REGISTRY[name]
    statements = guardrail.statements(guardrail.parameters.model_validate(parameters.get(name, {})), ROLES)
    assert lint({"Version": "2012-10-17", "Statement": statements}, KIND_OF_POLICY_TYPE[guardrail.policy_type]) == []
    # Each statement carries a Sid its guardrail declares: the access matrix reads them back.
    assert {statement["Sid"] for statement in statements} <= set(guardrail.sids)


def test_a_sid_names_one_guardrail_even_when_packing_prefixes_it():
    sids = [sid for guardrail in REGISTRY.values() for sid in guardrail.sids]
    assert len(sids) == len(set(sids))
    assert [(a, b) for a in sids for b in sids if a != b and a.endswith(b)] == []  # no Sid ends with another
    # The same guardrail twice in one document: the second's Sids get its key before them.
    region_deny = REGISTRY["region-deny"]
    twice = [
        Enabled(key, "SERVICE_CONTROL_POLICY", ("Workloads",), tuple(region_deny.statements(RegionDeny(allowed_regions=regions), ROLES)))
        for key, regions in (("region-deny", ("eu-west-1",)), ("sandbox-regions", ("eu-west-1", "us-east-1")))
    ]
    ((document,),) = [pack(twice)]
    packed = [statement["Sid"] for statement in document.content["Statement"]]
    assert packed == ["DenyOutsideAllowedRegions", "DenyStackSetsRegionToOthers", "SandboxRegionsDenyOutsideAllowedRegions"]
    assert {guardrail_of_sid(sid) for sid in packed} == {"region-deny"}
    assert guardrail_of_sid("OnlyEurope") is None


def test_every_guardrail_cites_an_aws_page():
    for guardrail in REGISTRY.values():
        assert guardrail.source.startswith("https://docs.aws.amazon.com/"), guardrail.name
        assert guardrail.why, guardrail.name
        assert not guardrail.why.endswith("."), guardrail.name  # a line of a list in the README and docs
