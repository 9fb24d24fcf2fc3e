"""AWS's policy evaluation logic, case by case. Each case cites the page it comes from (fact
numbers of docs/sources/policy-evaluation.md, which quotes them)."""

import pytest

from orgboot.policy.evaluation import Applicable, Level, OrganizationPolicies, Request, evaluate
from orgboot.policy.matching import Caller
from orgboot.policy.statements import Policy, PolicyRef, parse

MANAGEMENT, MEMBER, OTHER = "111111111111", "222222222222", "333333333333"
ALICE = Caller(f"arn:aws:iam::{MEMBER}:user/alice", MEMBER, "user")
ADMIN = Caller(f"arn:aws:iam::{MEMBER}:role/Admin", MEMBER, "role")
MANAGER = Caller(f"arn:aws:iam::{MANAGEMENT}:user/manager", MANAGEMENT, "user")
MEMBER_ROOT = Caller(f"arn:aws:iam::{MEMBER}:root", MEMBER, "root")
LINKED = Caller(f"arn:aws:iam::{MEMBER}:role/aws-service-role/x.amazonaws.com/AWSServiceRoleForX", MEMBER, "service-linked-role")
CLOUDWATCH = Caller("cloudwatch.amazonaws.com", None, "service")


def policy(kind, *statements, name="p", attached_at=""):
    return parse({"Version": "2012-10-17", "Statement": list(statements)}, PolicyRef(name, kind, attached_at))


def allow(action="*", resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action="*", resource="*", **extra):
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


FULL_AWS_ACCESS = policy("scp", allow(), name="FullAWSAccess")
RCP_FULL_AWS_ACCESS = policy("rcp", {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}, name="RCPFullAWSAccess")


def chain(*extra: list[Policy], default: Policy = FULL_AWS_ACCESS) -> tuple[Level, ...]:
    """Root, OU Workloads, the account: each with the default policy plus the extra ones given."""
    labels = ("Root", "OU Workloads", f"account {MEMBER}")
    levels = [list(policies) for policies in extra] + [[] for _ in range(3 - len(extra))]
    return tuple(Level(label, (default, *level)) for label, level in zip(labels, levels, strict=True))


def org(scps=None, rcps=None) -> OrganizationPolicies:
    return OrganizationPolicies(MANAGEMENT, {MEMBER: scps or chain()}, {MEMBER: rcps or chain(default=RCP_FULL_AWS_ACCESS)})


ADMIN_IDENTITY = (policy("identity", allow(), name="AdministratorAccess"),)


def decide(
    caller=ALICE, action="s3:GetObject", target="arn:aws:s3:::b/k", *, resource_account=None, context=None, organization=None, **applicable
):
    applicable.setdefault("identity", ADMIN_IDENTITY)
    request = Request(caller, action, target, resource_account, context or {})
    return evaluate(request, Applicable(**applicable), organization)


def test_explicit_deny_wins():
    # Policy evaluation logic [1, 2]: "An explicit deny overrides an explicit allow."
    decision = decide(identity=(policy("identity", allow(), deny("s3:GetObject", Sid="NoReads"), name="mixed"),))
    assert decision.decision == "explicit_deny"
    assert [s.sid for s in decision.statements] == ["NoReads"]


def test_no_allow_is_an_implicit_deny():
    # [1, 12]: requests are implicitly denied unless a policy allows them.
    decision = decide(identity=(policy("identity", allow("ec2:*")),))
    assert (decision.decision, decision.reason) == ("implicit_deny", "no identity policy allows it")


def test_an_scp_must_allow_at_every_level():
    # SCP evaluation [24, 26]: an Allow at every level from the root to the account.
    only_s3 = [
        Level("Root", (FULL_AWS_ACCESS,)),
        Level("OU Workloads", (policy("scp", allow("s3:*"), name="s3-only"),)),
        Level("account", (FULL_AWS_ACCESS,)),
    ]
    organization = OrganizationPolicies(MANAGEMENT, {MEMBER: tuple(only_s3)}, {})
    assert decide(organization=organization).allowed
    decision = decide(action="iam:ListUsers", target="*", organization=organization)
    assert (decision.decision, decision.reason) == ("implicit_deny", "no SCP attached to OU Workloads allows it")


def test_an_scp_deny_anywhere_in_the_chain_denies():
    # [25]: any SCP from the root down to the account can deny.
    organization = org(scps=chain([], [], [policy("scp", deny("s3:*"), name="no-s3", attached_at="account")]))
    decision = decide(organization=organization)
    assert decision.decision == "explicit_deny"
    assert decision.statements[0].label == "no-s3 attached to account: statement 1"


@pytest.mark.parametrize(
    ("caller", "why"),
    [(MANAGER, "the management account [28]"), (LINKED, "service-linked roles [29]")],
)
def test_scps_do_not_restrict(caller, why):
    organization = OrganizationPolicies(
        MANAGEMENT, {MEMBER: chain([policy("scp", deny())]), MANAGEMENT: chain([policy("scp", deny())])}, {}
    )
    assert decide(caller, organization=organization).allowed, why


def test_scps_restrict_the_root_user_of_member_accounts():
    # [30]: "SCPs affect all users and roles in attached accounts, including the root user." The
    # root user needs no identity policy [1].
    organization = org(scps=chain([policy("scp", deny("organizations:LeaveOrganization"))]))
    assert decide(MEMBER_ROOT, identity=(), organization=organization).allowed
    assert decide(MEMBER_ROOT, "organizations:LeaveOrganization", "*", identity=(), organization=organization).decision == "explicit_deny"


def test_scps_take_not_action_not_resource_and_conditions():
    # SCP syntax since 2025-09 [33, 34]: NotAction, NotResource and Condition in any statement.
    region_deny = policy(
        "scp",
        {
            "Effect": "Deny",
            "NotAction": ["iam:*", "sts:*"],
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}},
        },
    )
    organization = org(scps=chain([region_deny]))
    assert decide(action="iam:ListUsers", target="*", context={"aws:RequestedRegion": "us-east-1"}, organization=organization).allowed
    assert decide(context={"aws:RequestedRegion": "us-east-1"}, organization=organization).decision == "explicit_deny"
    assert decide(context={"aws:RequestedRegion": "eu-west-1"}, organization=organization).allowed
    not_resource = policy("scp", {"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::public/*"})
    assert decide(target="arn:aws:s3:::public/x", organization=org(scps=chain([not_resource]))).allowed
    assert decide(target="arn:aws:s3:::private/x", organization=org(scps=chain([not_resource]))).decision == "explicit_deny"


TLS_ONLY = policy(
    "rcp",
    {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    name="enforce-tls",
)


def test_rcps_restrict_resources_of_member_accounts_whoever_calls():
    # RCPs [41, 42]: they apply to the resource's account, callers from other accounts included.
    outsider = Caller(f"arn:aws:iam::{OTHER}:user/eve", OTHER, "user")
    bucket = policy("resource", {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "s3:GetObject", "Resource": "*"})
    organization = org(rcps=chain([TLS_ONLY], default=RCP_FULL_AWS_ACCESS))
    insecure = {"aws:SecureTransport": "false"}
    assert decide(
        outsider, resource_account=MEMBER, resource=bucket, organization=organization, context={"aws:SecureTransport": "true"}
    ).allowed
    assert (
        decide(outsider, resource_account=MEMBER, resource=bucket, organization=organization, context=insecure).decision == "explicit_deny"
    )
    assert decide(organization=organization, context=insecure).decision == "explicit_deny"


def test_rcps_do_not_restrict_the_management_account_service_linked_roles_or_unsupported_services():
    # [40, 50, 51].
    organization = OrganizationPolicies(
        MANAGEMENT,
        {},
        {
            MEMBER: chain(
                [policy("rcp", {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"})], default=RCP_FULL_AWS_ACCESS
            ),
            MANAGEMENT: chain(
                [policy("rcp", {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"})], default=RCP_FULL_AWS_ACCESS
            ),
        },
    )
    assert decide(MANAGER, organization=organization).allowed  # a resource of the management account
    assert decide(LINKED, organization=organization).allowed
    assert decide(action="ec2:DescribeInstances", target="*", organization=organization).allowed  # EC2 does not support RCPs
    assert decide(organization=organization).decision == "explicit_deny"  # S3 does


def test_rcp_allow_must_exist_at_every_level():
    # [3, 45]: RCPFullAWSAccess is always there; without it nothing passes.
    bare = tuple(Level(label, ()) for label in ("Root", "OU Workloads", "account"))
    decision = decide(organization=OrganizationPolicies(MANAGEMENT, {}, {MEMBER: bare}))
    assert (decision.decision, decision.reason) == ("implicit_deny", "no RCP attached to Root allows it")


BOUNDARY_EC2_ONLY = policy("boundary", allow("ec2:*"), name="ec2-boundary")


def test_a_boundary_limits_identity_policies():
    # [14]: "the resulting permissions are the intersection".
    decision = decide(boundary=BOUNDARY_EC2_ONLY)
    assert (decision.decision, decision.reason) == ("implicit_deny", "the permissions boundary does not allow it")
    assert decide(action="ec2:RunInstances", target="*", boundary=BOUNDARY_EC2_ONLY).allowed


def test_same_account_resource_policy_or_identity_policy_is_enough():
    # [6, 13]: within an account, the union of identity and resource-based policies.
    bucket = policy("resource", {"Effect": "Allow", "Principal": {"AWS": ALICE.arn}, "Action": "s3:GetObject", "Resource": "*"})
    assert decide(identity=(), resource=bucket).allowed
    assert decide(resource=None).allowed


def test_a_grant_to_a_user_ignores_the_boundary_one_to_a_role_does_not():
    # [7, 10].
    to_alice = policy("resource", {"Effect": "Allow", "Principal": {"AWS": ALICE.arn}, "Action": "s3:GetObject", "Resource": "*"})
    to_admin = policy("resource", {"Effect": "Allow", "Principal": {"AWS": ADMIN.arn}, "Action": "s3:GetObject", "Resource": "*"})
    assert decide(ALICE, identity=(), boundary=BOUNDARY_EC2_ONLY, resource=to_alice).allowed
    assert not decide(ADMIN, identity=(), boundary=BOUNDARY_EC2_ONLY, resource=to_admin).allowed


def test_a_grant_to_the_account_delegates_to_identity_policies():
    # [63, 128]: an account principal delegates; the identity policy must allow too.
    to_account = policy(
        "resource", {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{MEMBER}:root"}, "Action": "s3:GetObject", "Resource": "*"}
    )
    assert not decide(identity=(), resource=to_account, resource_account=MEMBER).allowed
    assert decide(resource=to_account, resource_account=MEMBER).allowed


def test_cross_account_needs_both_sides():
    # Cross-account policy evaluation logic [18]: both evaluations must allow.
    outsider = Caller(f"arn:aws:iam::{OTHER}:user/eve", OTHER, "user")
    to_other = policy("resource", {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "s3:GetObject", "Resource": "*"})
    decision = decide(outsider, resource_account=MEMBER)
    assert (decision.decision, decision.reason) == ("implicit_deny", f"no resource policy in account {MEMBER} allows {outsider.arn}")
    assert not decide(outsider, identity=(), resource=to_other, resource_account=MEMBER).allowed
    assert decide(outsider, resource=to_other, resource_account=MEMBER).allowed


ROLE = f"arn:aws:iam::{MEMBER}:role/Admin"


def trust(principal, **condition):
    return policy(
        "resource", {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole", **condition}, name="trust of Admin"
    )


def test_assume_role_needs_the_trust_policy_even_in_the_same_account():
    # [6, 127]: trust policies must explicitly allow.
    decision = decide(action="sts:AssumeRole", target=ROLE, trust=trust(f"arn:aws:iam::{OTHER}:root"))
    assert decision.decision == "implicit_deny"
    assert decision.reason == f"trust of Admin does not allow {ALICE.arn}"
    assert decide(identity=(), action="sts:AssumeRole", target=ROLE, trust=trust(ALICE.arn)).allowed


def test_a_trust_policy_naming_the_account_needs_the_callers_identity_policy():
    # [128, 129]: cross-account, from the management account into a member account.
    member_trust = trust(f"arn:aws:iam::{MANAGEMENT}:root", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})
    mfa = {"aws:MultiFactorAuthPresent": "true"}
    assert decide(MANAGER, "sts:AssumeRole", ROLE, resource_account=MEMBER, trust=member_trust, context=mfa).allowed
    assert not decide(MANAGER, "sts:AssumeRole", ROLE, resource_account=MEMBER, trust=member_trust, context={}).allowed
    assert not decide(MANAGER, "sts:AssumeRole", ROLE, identity=(), resource_account=MEMBER, trust=member_trust, context=mfa).allowed


def test_a_service_is_allowed_by_the_resource_policy_only():
    # Service principals [69]: CloudWatch publishes to a topic only if the topic policy allows it.
    topic = "arn:aws:sns:us-east-1:111111111111:billing"
    topic_policy = policy(
        "resource", {"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": topic}
    )
    assert decide(CLOUDWATCH, "sns:Publish", topic, identity=(), resource=topic_policy, resource_account=MANAGEMENT).allowed
    decision = decide(CLOUDWATCH, "sns:Publish", topic, identity=(), resource=None, resource_account=MANAGEMENT)
    assert (decision.decision, decision.reason) == ("implicit_deny", "no resource policy allows the service")


def test_statements_without_resource_do_not_apply_in_identity_policies():
    # [56]: statements must include Resource or NotResource.
    assert not decide(identity=(policy("identity", {"Effect": "Allow", "Action": "*"}),)).allowed


def test_allowing_steps_are_recorded():
    decision = decide(organization=org())
    assert decision.allowed
    assert [step.label for step in decision.steps] == [
        "RCP at Root",
        "RCP at OU Workloads",
        f"RCP at account {MEMBER}",
        "SCP at Root",
        "SCP at OU Workloads",
        f"SCP at account {MEMBER}",
        "identity policies",
    ]


def test_a_resource_policy_deny_applies_only_to_the_principals_it_names():
    # A statement of a resource-based policy is about the principals in its Principal element.
    bob = f"arn:aws:iam::{MEMBER}:user/bob"
    bucket = policy("resource", {"Effect": "Deny", "Principal": {"AWS": bob}, "Action": "s3:GetObject", "Resource": "*"})
    assert decide(resource=bucket).allowed  # alice
    assert decide(Caller(bob, MEMBER, "user"), resource=bucket).decision == "explicit_deny"


def test_not_principal_needs_the_account_and_the_principal_and_never_spares_a_boundary():
    # NotPrincipal [71]: AWS may check the account first, so list both; [17]: a caller with a
    # permissions boundary is always denied by a Deny with NotPrincipal.
    def deny_all_but(*principals):
        return policy("resource", {"Effect": "Deny", "NotPrincipal": {"AWS": list(principals)}, "Action": "s3:*", "Resource": "*"})

    both = deny_all_but(ALICE.arn, f"arn:aws:iam::{MEMBER}:root")
    assert decide(resource=both).allowed
    assert decide(resource=deny_all_but(ALICE.arn)).decision == "explicit_deny"
    assert decide(resource=deny_all_but(f"arn:aws:iam::{MEMBER}:root")).decision == "explicit_deny"
    assert decide(resource=both, boundary=policy("boundary", allow())).decision == "explicit_deny"


def test_everyone_includes_services():
    # "*" grants to all principals [70].
    topic = policy("resource", {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sns:Publish", "Resource": "*"})
    assert decide(CLOUDWATCH, "sns:Publish", "arn:aws:sns:us-east-1:1:t", identity=(), resource=topic, resource_account=MANAGEMENT).allowed
