"""What the organization policies leave of a role where it is granted: its identity policies say what
it may do, the SCPs and RCPs over its account may take some or all of it away.

Decided with the policy evaluator on a small set of probe actions, read and write, across the
services most accounts use (PROBES). A role is probed only on what its own policies allow (its
identity policies and permissions boundary, no organization policy): ReadOnlyAccess is probed on
the reads, AdministratorAccess on all of them, a narrow inline policy on its own explicit actions
when it allows none of the probes. Each probe is asked in every region the organization policies
name in an aws:RequestedRegion condition, and in us-east-1: a probe counts as left to the role if
one of those regions allows it (a region deny takes away regions, not the role's work).

The session is a person's, signed in with MFA, in the role's own account, over TLS: the
organization keys are the account's own (analysis/offline.py).
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from orgboot.analysis.labels import Labeller
from orgboot.aws.regions import HOME_REGION, PARTITION
from orgboot.policy.evaluation import Applicable, ContextValue, Decision, OrganizationPolicies, Request, evaluate
from orgboot.policy.matching import Caller
from orgboot.policy.statements import Policy, Statement

# (action, resource) with {account} and {region} filled in. Reads and writes of the services most
# accounts use; resources are ordinary ones of the account, so a deny aimed at a few named resources
# (a protected bucket, orgboot's roles) does not count as taking the service away. IAM is global:
# it is asked in us-east-1 only. No ec2:RunInstances: conditions on instance properties
# (ec2:MetadataHttpTokens, say) decide it, which a probe cannot honestly fill in.
PROBES: tuple[tuple[str, str], ...] = (
    ("s3:ListAllMyBuckets", "*"),
    ("s3:GetObject", f"arn:{PARTITION}:s3:::example-bucket/example-key"),
    ("s3:PutObject", f"arn:{PARTITION}:s3:::example-bucket/example-key"),
    ("ec2:DescribeInstances", "*"),
    ("ec2:CreateSecurityGroup", f"arn:{PARTITION}:ec2:{{region}}:{{account}}:security-group/*"),
    ("dynamodb:GetItem", f"arn:{PARTITION}:dynamodb:{{region}}:{{account}}:table/example"),
    ("dynamodb:PutItem", f"arn:{PARTITION}:dynamodb:{{region}}:{{account}}:table/example"),
    ("lambda:GetFunction", f"arn:{PARTITION}:lambda:{{region}}:{{account}}:function:example"),
    ("lambda:UpdateFunctionCode", f"arn:{PARTITION}:lambda:{{region}}:{{account}}:function:example"),
    ("logs:DescribeLogGroups", "*"),
    ("logs:CreateLogGroup", f"arn:{PARTITION}:logs:{{region}}:{{account}}:log-group:example"),
    ("cloudwatch:GetMetricData", "*"),
    ("sqs:SendMessage", f"arn:{PARTITION}:sqs:{{region}}:{{account}}:example"),
    ("sns:Publish", f"arn:{PARTITION}:sns:{{region}}:{{account}}:example"),
    ("ssm:GetParameter", f"arn:{PARTITION}:ssm:{{region}}:{{account}}:parameter/example"),
    ("ssm:PutParameter", f"arn:{PARTITION}:ssm:{{region}}:{{account}}:parameter/example"),
    ("cloudformation:DescribeStacks", "*"),
    ("cloudformation:CreateStack", f"arn:{PARTITION}:cloudformation:{{region}}:{{account}}:stack/example/*"),
    ("iam:ListRoles", "*"),
    ("iam:CreatePolicy", f"arn:{PARTITION}:iam::{{account}}:policy/example"),
)
GLOBAL_SERVICES = ("iam",)  # answered in us-east-1 whatever the caller's region
MAX_OWN_PROBES = 12  # explicit actions of a role's own policies, when it allows none of PROBES


@dataclass(frozen=True)
class Residual:
    """How many probed actions the organization policies deny the role, of how many its own
    policies allow, and what denies them: "SCP prod-freeze", "guardrail quarantine", or the
    reason an allow-list leaves them out ("no SCP attached to OU Sandbox allows it")."""

    denied: int
    probed: int
    by: tuple[str, ...] = ()

    @property
    def everything(self) -> bool:
        return self.probed > 0 and self.denied == self.probed

    @property
    def nearly_everything(self) -> bool:
        """At most one probed action in ten left: a grant that gives next to nothing."""
        return self.probed > 0 and (self.probed - self.denied) * 10 <= self.probed


@dataclass(frozen=True)
class RoleSession:
    """A role in a member account, as the evaluator needs it."""

    account: str
    name: str
    identity: tuple[Policy, ...]
    boundary: Policy | None = None
    path: str = "/"  # the role's path: aws:PrincipalArn carries it (an Identity Center role's is /aws-reserved/...)

    @property
    def caller(self) -> Caller:
        return Caller(f"arn:{PARTITION}:iam::{self.account}:role{self.path}{self.name}", self.account, "role")


def residual(
    role: RoleSession,
    organization: OrganizationPolicies,
    context: Mapping[str, ContextValue],
    labeller: Labeller,
) -> Residual:
    """What `organization` leaves of `role`'s own permissions in its account. `context` is the
    session's (organization keys, MFA); `labeller` names a denying policy as every answer does."""
    applicable = Applicable(identity=role.identity, boundary=role.boundary)
    regions = _regions(organization, role.account)
    probed = denied = 0
    by: dict[str, None] = {}
    for action, resource in _probes(role, applicable, context):
        probed += 1
        decisions = [
            evaluate(_request(role, action, resource, region, context), applicable, organization)
            for region in (regions if action.split(":", 1)[0] not in GLOBAL_SERVICES else (HOME_REGION,))
        ]
        if any(decision.allowed for decision in decisions):
            continue
        denied += 1
        for decision in decisions:
            by.update(dict.fromkeys(_deniers(decision, labeller)))
    return Residual(denied, probed, tuple(sorted(by)))


def _request(role: RoleSession, action: str, resource: str, region: str, context: Mapping[str, ContextValue]) -> Request:
    filled = resource.format(account=role.account, region=region)
    return Request(role.caller, action, filled, role.account, {**context, "aws:RequestedRegion": region})


def _probes(role: RoleSession, applicable: Applicable, context: Mapping[str, ContextValue]) -> Iterator[tuple[str, str]]:
    """The probes the role's own policies allow (no organization policy applied)."""

    def own(action: str, resource: str) -> bool:
        return evaluate(_request(role, action, resource, HOME_REGION, context), applicable).allowed

    found = [(action, resource) for action, resource in PROBES if own(action, resource)]
    if not found:
        found = [(action, resource) for action, resource in _explicit_actions(role.identity) if own(action, resource)]
    yield from found


def _explicit_actions(policies: Iterable[Policy]) -> list[tuple[str, str]]:
    """Actions an identity policy allows by name (no wildcard), with a resource it names."""
    found: dict[tuple[str, str], None] = {}
    for policy in policies:
        for statement in policy.statements:
            if statement.effect != "Allow" or not statement.actions or not statement.resources:
                continue
            resource = next((r for r in statement.resources if isinstance(r, str) and "${" not in r), None)
            for action in statement.actions:
                if resource is not None and "*" not in action and "?" not in action:
                    found[(action, resource)] = None
                if len(found) >= MAX_OWN_PROBES:
                    return list(found)
    return list(found)


def _regions(organization: OrganizationPolicies, account: str) -> tuple[str, ...]:
    """us-east-1 and every region the account's SCPs and RCPs name in aws:RequestedRegion."""
    regions = {HOME_REGION}
    for level in (*organization.scps.get(account, ()), *organization.rcps.get(account, ())):
        for policy in level.policies:
            for statement in policy.statements:
                regions.update(_named_regions(statement))
    return tuple(sorted(regions))


def _named_regions(statement: Statement) -> Iterator[str]:
    for keys in statement.condition.values():
        for key, values in keys.items():
            if key.lower() == "aws:requestedregion":
                for value in values if isinstance(values, list | tuple) else (values,):
                    if isinstance(value, str) and "*" not in value and "?" not in value and "$" not in value:
                        yield value


def _deniers(decision: Decision, labeller: Labeller) -> Iterator[str]:
    if decision.decision == "explicit_deny":
        for statement in decision.statements:
            if statement.policy.kind in ("scp", "rcp"):
                yield labeller.policy(statement)
    elif decision.decision == "implicit_deny":
        yield labeller.text(decision.reason)
