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


# Issue 23, point 11: which same-account resource-policy grants a permissions boundary limits.
# IAM User Guide, "How AWS enforcement code logic evaluates requests to allow or deny access",
# Resource-based policies (facts 7-10), and "AWS JSON policy elements: Principal" (fact 70).
READ_BUCKET = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}


def bucket_granting(principal, **condition):
    return policy("resource", {**READ_BUCKET, "Principal": principal, **condition}, name="bucket policy")


@pytest.mark.parametrize(
    "grant",
    [
        bucket_granting("*"),
        bucket_granting({"AWS": "*"}),
        bucket_granting({"AWS": "*"}, Condition={"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{MEMBER}:role/Ad*"}}),
        bucket_granting("*", Condition={"ArnEquals": {"aws:PrincipalArn": ADMIN.arn}}),
    ],
    ids=["star", "aws-star", "aws-star-principal-arn-like", "star-principal-arn-equals"],
)
def test_a_grant_to_everyone_in_the_account_is_not_limited_by_the_roles_boundary(grant):
    # [8]: "Permissions boundaries and session policies do not limit permissions granted using the
    # aws:PrincipalArn condition key with a wildcard(*) in the Principal element, unless the
    # identity-based policies contain an explicit deny." [70]: with "*", "For IAM users and role
    # principals within your account, no other permissions are required."
    assert decide(ADMIN, identity=(), boundary=BOUNDARY_EC2_ONLY, resource=grant).allowed
    denied = decide(ADMIN, identity=(policy("identity", deny("s3:GetObject")),), boundary=BOUNDARY_EC2_ONLY, resource=grant)
    assert denied.decision == "explicit_deny"


def test_a_wildcard_grant_narrowed_by_principal_arn_grants_only_the_roles_it_names():
    builder = Caller(f"arn:aws:iam::{MEMBER}:role/Builder", MEMBER, "role")
    admins_only = bucket_granting({"AWS": "*"}, Condition={"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{MEMBER}:role/Ad*"}})
    decision = decide(builder, identity=(), boundary=BOUNDARY_EC2_ONLY, resource=admins_only)
    assert (decision.decision, decision.reason) == ("implicit_deny", "no identity policy allows it")


def test_a_wildcard_grant_from_another_account_still_needs_the_callers_identity_policy():
    # [70]: "For principals in other accounts, they must also have identity-based permissions in
    # their account that allow them to access your resource."
    outsider = Caller(f"arn:aws:iam::{OTHER}:role/Admin", OTHER, "role")
    assert not decide(outsider, identity=(), resource=bucket_granting("*"), resource_account=MEMBER).allowed
    assert decide(outsider, resource=bucket_granting("*"), resource_account=MEMBER).allowed


def test_a_grant_to_the_role_session_is_not_limited_by_the_boundary_one_to_the_role_is():
    # [9]: "resource-based policies that grant permissions to an IAM role session ARN grant
    # permissions directly to the assumed role session. Permissions granted directly to a session
    # are not limited by an implicit deny in an identity-based policy, a permissions boundary, or
    # session policy." [7]: "Resource-based policies that grant permissions to an IAM role ARN are
    # limited by an implicit deny in a permissions boundary".
    alice_session = Caller(ADMIN.arn, MEMBER, "role", session="alice")
    assert alice_session.session_arn == f"arn:aws:sts::{MEMBER}:assumed-role/Admin/alice"
    to_session = bucket_granting({"AWS": alice_session.session_arn})
    assert decide(alice_session, identity=(), boundary=BOUNDARY_EC2_ONLY, resource=to_session).allowed
    bob_session = Caller(ADMIN.arn, MEMBER, "role", session="bob")
    assert not decide(bob_session, identity=(), boundary=BOUNDARY_EC2_ONLY, resource=to_session).allowed
    to_role = bucket_granting({"AWS": ADMIN.arn})
    assert decide(alice_session, identity=(), resource=to_role).allowed
    decision = decide(alice_session, identity=(), boundary=BOUNDARY_EC2_ONLY, resource=to_role)
    assert (decision.decision, decision.reason) == ("implicit_deny", "no identity policy allows it")


# Issue 23, point 12: a KMS key's key policy must allow for IAM policies to have any effect.
KEY = f"arn:aws:kms:us-east-1:{MEMBER}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
# AWS KMS Developer Guide, "Default key policy": "Allows access to the AWS account and enables IAM policies".
ENABLE_IAM_POLICIES = {
    "Sid": "Enable IAM User Permissions",
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{MEMBER}:root"},
    "Action": "kms:*",
    "Resource": "*",
}
CLOUDTRAIL_ENCRYPTS = {
    "Sid": "Allow CloudTrail to encrypt logs",
    "Effect": "Allow",
    "Principal": {"Service": "cloudtrail.amazonaws.com"},
    "Action": "kms:GenerateDataKey*",
    "Resource": "*",
}


def key_policy(*statements):
    return policy("resource", *statements, name="key policy of trail-key")


def test_without_a_key_policy_that_allows_iam_policies_grant_nothing():
    # AWS KMS Developer Guide, "Key policies in AWS KMS": "Unless the key policy explicitly allows
    # it, you cannot use IAM policies to allow access to a KMS key. Without permission from the key
    # policy, IAM policies that allow permissions have no effect." And: "No AWS principal,
    # including the account root user or key creator, has any permissions to a KMS key unless they
    # are explicitly allowed, and never denied, in a key policy, IAM policy, or grant."
    decision = decide(ADMIN, "kms:Decrypt", KEY, resource=key_policy(CLOUDTRAIL_ENCRYPTS))
    assert decision.decision == "implicit_deny"
    assert decision.reason == (
        f"key policy of trail-key does not allow {ADMIN.arn}, itself or through its account, before IAM policies grant anything on a KMS key"
    )
    unknown = decide(ADMIN, "kms:Decrypt", KEY)  # no key policy given
    assert (unknown.decision, unknown.reason) == (
        "implicit_deny",
        f"no key policy of {KEY} is known: it must allow {ADMIN.arn}, itself or through its account, before IAM policies grant"
        " anything on a KMS key",
    )
    assert not decide(MEMBER_ROOT, "kms:Decrypt", KEY, identity=(), resource=key_policy(CLOUDTRAIL_ENCRYPTS)).allowed
    # What is not a key (its alias, or kms:ListKeys on "*") is decided by IAM policies alone.
    assert decide(ADMIN, "kms:ListKeys", "*").allowed
    assert decide(ADMIN, "kms:CreateAlias", f"arn:aws:kms:us-east-1:{MEMBER}:alias/trail").allowed


def test_a_key_policy_delegating_to_the_account_lets_its_iam_policies_grant():
    # "Default key policy": the statement "gives the AWS account that owns the KMS key permission to
    # use IAM policies to allow access" (fact 130): delegation, so the IAM policy must allow too.
    enabled = key_policy(ENABLE_IAM_POLICIES, CLOUDTRAIL_ENCRYPTS)
    assert decide(ADMIN, "kms:Decrypt", KEY, resource=enabled).allowed
    decision = decide(ADMIN, "kms:Decrypt", KEY, identity=(), resource=enabled)
    assert (decision.decision, decision.reason) == ("implicit_deny", "no identity policy allows it")
    assert decide(MEMBER_ROOT, "kms:Decrypt", KEY, identity=(), resource=enabled).allowed
    # Another account's IAM policies count only where the key policy names that account (fact 18).
    outsider = Caller(f"arn:aws:iam::{OTHER}:role/Admin", OTHER, "role")
    assert not decide(outsider, "kms:Decrypt", KEY, resource=enabled, resource_account=MEMBER).allowed
    shared = key_policy(ENABLE_IAM_POLICIES, {**ENABLE_IAM_POLICIES, "Sid": "Other", "Principal": {"AWS": OTHER}})
    assert decide(outsider, "kms:Decrypt", KEY, resource=shared, resource_account=MEMBER).allowed


def test_a_key_policy_naming_the_principal_grants_by_itself():
    # "Key policies in AWS KMS": "You can use the key policy alone to control access".
    to_admin = key_policy({**ENABLE_IAM_POLICIES, "Principal": {"AWS": ADMIN.arn}, "Action": "kms:Decrypt"})
    assert decide(ADMIN, "kms:Decrypt", KEY, identity=(), resource=to_admin).allowed
    cloudtrail = Caller("cloudtrail.amazonaws.com", None, "service")
    assert decide(cloudtrail, "kms:GenerateDataKey", KEY, identity=(), resource=key_policy(CLOUDTRAIL_ENCRYPTS)).allowed


# Issue 23, point 13.
def test_get_caller_identity_needs_no_permission_and_cannot_be_denied():
    # STS API Reference, GetCallerIdentity: "No permissions are required to perform this operation.
    # If an administrator attaches a policy to your identity that explicitly denies access to the
    # sts:GetCallerIdentity action, you can still perform this operation."
    deny_everything = (policy("identity", deny()),)
    organization = org(scps=chain([policy("scp", deny())]))
    assert decide(ADMIN, "sts:GetCallerIdentity", "*", identity=deny_everything, organization=organization).allowed
    assert decide(ADMIN, "sts:getcalleridentity", "*", identity=()).allowed
    assert decide(ADMIN, "sts:GetSessionToken", "*", identity=deny_everything).decision == "explicit_deny"


# The conditions guardrails use against confused deputies (issue 23, point 8): AWS's data
# perimeter examples (aws-samples/data-perimeter-policy-examples, resource_control_policies,
# identity_perimeter_rcp.json), evaluated as an RCP of the member account.
ORG_ID = "o-a1b2c3d4e5"
PARTNER = "444444444444"


def identity_perimeter(organization_id):
    return policy(
        "rcp",
        {
            "Sid": "EnforceOrgIdentities",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {
                "StringNotEqualsIfExists": {"aws:PrincipalOrgID": organization_id},
                "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
            },
        },
        {
            "Sid": "EnforceConfusedDeputyProtection",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {
                "StringNotEqualsIfExists": {"aws:SourceOrgID": organization_id, "aws:SourceAccount": [PARTNER]},
                "Null": {"aws:SourceAccount": "false"},
                "Bool": {"aws:PrincipalIsAWSService": "true"},
            },
        },
        name="identity-perimeter",
    )


SERVICE_WRITES = policy(
    "resource", {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "*"}
)
CLOUDTRAIL = Caller("cloudtrail.amazonaws.com", None, "service")


@pytest.mark.parametrize(
    ("caller", "context", "allowed"),
    [
        (ALICE, {"aws:PrincipalOrgID": ORG_ID}, True),
        (Caller(f"arn:aws:iam::{OTHER}:user/eve", OTHER, "user"), {"aws:PrincipalOrgID": "o-zzzzzzzzzz"}, False),
        (Caller(f"arn:aws:iam::{OTHER}:user/eve", OTHER, "user"), {}, False),  # in no organization: the key is absent
        (CLOUDTRAIL, {"aws:SourceAccount": MEMBER, "aws:SourceOrgID": ORG_ID}, True),
        (CLOUDTRAIL, {"aws:SourceAccount": PARTNER, "aws:SourceOrgID": "o-zzzzzzzzzz"}, True),  # a declared partner
        (CLOUDTRAIL, {"aws:SourceAccount": PARTNER}, True),  # a partner in no organization
        (CLOUDTRAIL, {"aws:SourceAccount": "999999999999", "aws:SourceOrgID": "o-zzzzzzzzzz"}, False),  # a confused deputy
        (CLOUDTRAIL, {"aws:SourceAccount": "999999999999"}, False),
        (CLOUDTRAIL, {}, True),  # a service acting for no account (aws:SourceAccount absent): Null spares it
    ],
)
@pytest.mark.parametrize("organization_id", [ORG_ID, "${aws:ResourceOrgID}"])  # orgboot's guardrails use the variable
def test_the_identity_perimeter_with_confused_deputy_protection(caller, context, allowed, organization_id):
    # aws:PrincipalIsAWSService is in every request (fact 110); aws:SourceAccount only "when the call
    # to your resource is being made directly by an AWS service principal" (fact 125); ...IfExists
    # holds on a missing key, Null tests presence (facts 83, 84); aws:ResourceOrgID comes with the
    # request when the resource's account is in an organization (fact 124).
    organization = org(rcps=chain([identity_perimeter(organization_id)], default=RCP_FULL_AWS_ACCESS))
    context = {"aws:ResourceOrgID": ORG_ID, **context}
    outsider = caller.account not in (MEMBER, None)
    decision = decide(
        caller,
        "s3:PutObject",
        "arn:aws:s3:::trail-bucket/AWSLogs/x",
        resource_account=MEMBER,
        context=context,
        organization=organization,
        identity=ADMIN_IDENTITY if caller is not CLOUDTRAIL else (),
        resource=bucket_granting({"AWS": OTHER}) if outsider else SERVICE_WRITES if caller is CLOUDTRAIL else None,
    )
    assert decision.allowed is allowed, decision.why
    if not allowed:
        assert decision.decision == "explicit_deny"
