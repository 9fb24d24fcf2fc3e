"""May this principal do this here? One request against the organization a spec deploys."""

from collections.abc import Mapping

from orgboot.analysis.offline import MANAGEMENT_ACCOUNT, Account, OfflineOrganization, managed_policy
from orgboot.policy.evaluation import Applicable, ContextValue, Decision, Request, evaluate
from orgboot.policy.lint import lint
from orgboot.policy.matching import Caller
from orgboot.policy.statements import PolicyRef, parse
from orgboot.spec import OrgSpec

MANAGEMENT = "management"
# A principal orgboot does not deploy is taken as allowed by its own identity policies, so that
# only the organization's and the resource's policies decide.
_ALLOWED_BY_ITSELF = parse(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    PolicyRef("its own identity policies (assumed to allow)", "identity"),
)


class SimulationError(ValueError):
    """A question that names what the spec does not have."""


def simulate(
    spec: OrgSpec,
    *,
    account: str,
    principal: str,
    action: str,
    resource: str = "*",
    resource_account: str | None = None,
    context: Mapping[str, ContextValue] | None = None,
) -> Decision:
    _check_action(action)
    offline = OfflineOrganization(spec)
    accounts = {a.key: a for a in offline.accounts if a.key}
    where = _account(accounts, account)
    owner = _account(accounts, resource_account) if resource_account else where
    caller, applicable = _principal(offline, where, principal)
    owner_id = owner.id if owner else MANAGEMENT_ACCOUNT
    resource = in_account(resource, owner_id)
    role_arn_prefix = f"arn:aws:iam::{owner_id}:role/"
    if (
        action.lower() == "sts:assumerole"
        and resource.startswith(role_arn_prefix)
        and owner
        and resource[len(role_arn_prefix) :] in owner.roles
    ):
        applicable = Applicable(applicable.identity, applicable.boundary, trust=owner.roles[resource[len(role_arn_prefix) :]].trust)
    full_context = offline.context(where, owner) | dict(context or {})
    request = Request(caller, action, resource, owner_id, full_context)
    return evaluate(request, applicable, offline.organization_policies(offline.accounts))


def _check_action(action: str) -> None:
    """A request is one action AWS knows: the lint's action check (the Service Authorization
    Reference), so a typo is not answered with a confident implicit deny."""
    if "*" in action or "?" in action:
        raise SimulationError(f"'{action}': a request is one action, without wildcards")
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}
    for finding in lint(document, "identity"):
        if finding.path[:3] == ("Statement", 0, "Action"):
            raise SimulationError(finding.message)


def in_account(arn: str, account_id: str) -> str:
    """`arn` with its account field set to `account_id`: offline, accounts have stand-in IDs, and
    a principal or resource is where the question says it is."""
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[4]:
        parts[4] = account_id
    return ":".join(parts)


def _account(accounts: Mapping[str, Account], key: str) -> Account | None:
    if key == MANAGEMENT:
        return None
    if key not in accounts:
        known = ", ".join(sorted(accounts)) or "none"
        raise SimulationError(f"no account '{key}' in the spec (accounts: {known}; or '{MANAGEMENT}')")
    return accounts[key]


def _principal(offline: OfflineOrganization, account: Account | None, principal: str) -> tuple[Caller, Applicable]:
    account_id = account.id if account else MANAGEMENT_ACCOUNT
    if principal.startswith("arn:"):
        kind = "user" if ":user/" in principal else "root" if principal.endswith(":root") else "role"
        if ":role/aws-service-role/" in principal:  # the path IAM gives every service-linked role (IAM User Guide,
            kind = "service-linked-role"  # "Using service-linked roles"); SCPs and RCPs do not restrict them (facts 29, 50)
        return Caller(in_account(principal, account_id), account_id, kind), Applicable(identity=(_ALLOWED_BY_ITSELF,))  # type: ignore[arg-type]
    arn = f"arn:aws:iam::{account_id}:role/{principal}"
    if account and principal in account.roles:
        role = account.roles[principal]
        return Caller(arn, account_id, "role"), Applicable(identity=role.identity, boundary=role.boundary)
    if account is None and principal in offline.spec.management_baseline.groups:
        return offline.group_member(principal), Applicable(identity=offline.group_policies(principal))
    support = offline.spec.management_baseline.support_role
    if account is None and support and principal == support.name:
        return Caller(arn, account_id, "role"), Applicable(identity=(managed_policy("AWSSupportAccess"),))
    known = sorted(account.roles) if account else sorted(offline.spec.management_baseline.groups)
    raise SimulationError(f"'{principal}' is not a role orgboot deploys there (known: {', '.join(known) or 'none'}); give an ARN instead")
