"""The organization a spec deploys, as the policy evaluator sees it, without AWS.

Accounts, OUs and the organization get stand-in IDs (the real ones exist only after deploy):
what matters to the evaluator is the shape, that is which account sits under which OUs, which
policies are attached where, and which roles exist in each account with which policies. Every
document is the one orgboot deploys: organization policies from their files, group policies from
the same builders the stacks use, member roles from the catalogue, AWS's own access role, and the
roles IAM Identity Center provisions for the permission sets assigned in an account.
"""

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from orgboot.analysis.grants import guarded_roles, management_role_arns, org_paths, switch_policy
from orgboot.aws import identity_center as ic
from orgboot.aws import managed_policies, stacksets
from orgboot.aws.organizations import ACCESS_ROLE, ROOT
from orgboot.aws.policy_types import POLICY_TYPES
from orgboot.policy import iam as iam_documents
from orgboot.policy.evaluation import ContextValue, Level, OrganizationPolicies
from orgboot.policy.matching import Caller
from orgboot.policy.statements import Policy, PolicyRef, as_tuple, parse
from orgboot.spec import OrgSpec
from orgboot.spec.fields import covers
from orgboot.spec.identity_center import MANAGEMENT as MANAGEMENT_TARGET
from orgboot.spec.identity_center import IdentityCenter, assignments_for_ou

MANAGEMENT_ACCOUNT = "000000000000"
ORGANIZATION_ID, ROOT_ID = "o-orgboot", "r-orgboot"

# Organizations User Guide, "Accessing member accounts": AWS creates the access role with
# AdministratorAccess, trusted by the management account.
ACCESS_ROLE_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:root"}, "Action": "sts:AssumeRole"}],
}


@dataclass(frozen=True)
class Role:
    name: str
    trust: Policy
    identity: tuple[Policy, ...]
    boundary: Policy | None = None
    path: str = "/"  # IAM's role path: /aws-reserved/sso.amazonaws.com/[region/] for Identity Center's
    permission_set: str | None = None  # the permission set Identity Center provisions it for

    def arn(self, account_id: str) -> str:
        """The role's ARN in `account_id`, path included: aws:PrincipalArn carries it, so an
        exemption must name it (IAM User Guide, "IAM identifiers", ARNs: role/<path><name>)."""
        return f"arn:aws:iam::{account_id}:role{self.path}{self.name}"


@dataclass(frozen=True)
class Account:
    """A member account: a real one of org.yaml (key set) or one standing for any account that
    lands in an OU later (key None)."""

    key: str | None
    name: str
    id: str
    ou: str  # OU path or Root
    org_path: str  # o-id/r-id/ou-id/.../account-id/
    roles: dict[str, Role]
    # (Identity Center group, permission set) of each assignment reaching the account, sorted
    assignments: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return f"account {self.key}" if self.key else f"any account in {self.ou}"

    def permission_set_role(self, permission_set: str) -> Role | None:
        """The role Identity Center provisions here for `permission_set`, if it is assigned here."""
        return next((role for role in self.roles.values() if role.permission_set == permission_set), None)


@cache
def managed_policy(name_or_arn: str, kind: str = "identity") -> Policy:
    """An AWS managed policy's document from the catalogue; a customer managed ARN is unknown
    offline and taken as allowing nothing."""
    document = managed_policies.document(name_or_arn) or {"Statement": []}
    return parse(document, PolicyRef(name_or_arn.removeprefix(managed_policies.ARN_PREFIX), kind))  # type: ignore[arg-type]


def saml_trust(account_id: str) -> dict[str, Any]:
    """The trust policy of a role Identity Center provisions: its SAML provider in the account
    (AWSSSO_<hex>_DO_NOT_DELETE), through sts:AssumeRoleWithSAML, so no IAM user, group or role can
    assume it (IAM Identity Center User Guide, "IAM roles created by IAM Identity Center"; the role's
    trust names the provider as a Federated principal, which matches no IAM caller)."""
    provider = f"arn:aws:iam::{account_id}:saml-provider/AWSSSO_{'0' * 16}_DO_NOT_DELETE"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider},
                "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
            }
        ],
    }


def stand_in_suffix(permission_set: str) -> str:
    """The 16 hex digits AWS appends to a provisioned role's name, unknown before provisioning: a
    stand-in derived from the permission set, the same in every account."""
    return hashlib.sha256(permission_set.encode()).hexdigest()[: ic.ROLE_SUFFIX_LENGTH]


class OfflineOrganization:
    def __init__(self, spec: OrgSpec) -> None:
        self.spec = spec
        self.organization_id = _named_organization_id(spec) or ORGANIZATION_ID
        self.ou_ids = {ROOT: ROOT_ID, **{path: f"ou-{index:04d}" for index, path in enumerate(spec.ou_paths)}}
        self.org_paths = org_paths(f"{self.organization_id}/{ROOT_ID}/", self.ou_ids, spec.ou_paths)
        self.account_ids = {key: f"{100000000000 + index}" for index, key in enumerate(sorted(spec.accounts))}
        self._parsed: dict[tuple[str, str, str], Policy] = {}

    # Accounts -------------------------------------------------------------------------------

    @cached_property
    def accounts(self) -> list[Account]:
        return [
            self._account(key, account.name, self.account_ids[key], account.ou, account.role_name, account.invited)
            for key, account in self.spec.accounts.items()
        ]

    @cached_property
    def distinct(self) -> list[Account]:
        """The accounts that may not behave as the stand-in of their OU: those with a policy of
        their own, another access role or none (invited), or FullAWSAccess detached. Every other
        account is decided by its OU's stand-in."""
        targeted = {target for policy in self.spec.organization_policies.values() for target in policy.targets}
        targeted |= set(self.spec.organization.full_aws_access_detached)
        return [
            a
            for a in self.accounts
            if a.key in targeted
            or self.spec.accounts[str(a.key)].role_name
            or self.spec.accounts[str(a.key)].invited
            or a.assignments != self._ou_assignments(a.ou)  # an Identity Center assignment of its own
        ]

    @cached_property
    def placeholders(self) -> list[Account]:
        """One stand-in account per OU (and the root): StackSets and grants reach accounts that
        join later, so a problem in an empty OU is a problem waiting for its first account."""
        return [
            self._account(None, f"any account in {ou}", f"9{index:011d}", ou, None) for index, ou in enumerate((ROOT, *self.spec.ou_paths))
        ]

    @cached_property
    def evaluated(self) -> list[Account]:
        """The accounts a check evaluates: each OU's stand-in and the accounts that differ from it."""
        return [*self.placeholders, *self.distinct]

    @cached_property
    def _alike(self) -> dict[str, list[Account]]:
        """OU -> its accounts that its stand-in decides for."""
        distinct = {account.key for account in self.distinct}
        alike: dict[str, list[Account]] = {}
        for account in self.accounts:
            if account.key not in distinct:
                alike.setdefault(account.ou, []).append(account)
        return alike

    def decided_by(self, account: Account) -> list[Account]:
        """The accounts an evaluated account decides for: itself, and for a stand-in its OU's alike accounts."""
        return [account, *(self._alike.get(account.ou, []) if account.key is None else [])]

    def _account(self, key: str | None, name: str, account_id: str, ou: str, access_role: str | None, invited: bool = False) -> Account:
        # An account that joined by invitation has the access role only if someone created it.
        roles = {} if invited else {(access_role or ACCESS_ROLE): self._access_role(access_role or ACCESS_ROLE)}
        for role_name, role in self.spec.member_roles.catalogue.items():
            if any(covers(target, ou) for target in role.targets):
                roles[role_name] = self._member_role(role_name)
        assignments = self._assignments.get(key, ()) if key else self._ou_assignments(ou)
        for permission_set in sorted({permission_set for _, permission_set in assignments}):
            provisioned = self.identity_center_role(permission_set, account_id)
            roles[provisioned.name] = provisioned
        return Account(key, name, account_id, ou, f"{self.org_paths[ou]}{account_id}/", roles, assignments)

    # IAM Identity Center --------------------------------------------------------------------------

    @cached_property
    def _assignments(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """Account key (or "management") -> its (group, permission set) assignments, sorted."""
        return self.spec.identity_center_assignments()

    @cache  # noqa: B019 (one instance per validation: the cache goes with it)
    def _ou_assignments(self, ou: str) -> tuple[tuple[str, str], ...]:
        """The assignments every account that joins `ou` later gets (those on Root and its OUs)."""
        return assignments_for_ou(self.spec, ou)

    @property
    def management_assignments(self) -> tuple[tuple[str, str], ...]:
        """The assignments on the management account itself (target `management`)."""
        return self._assignments.get(MANAGEMENT_TARGET, ())

    def identity_center_role(self, permission_set: str, account_id: str) -> Role:
        """The role Identity Center provisions for `permission_set` in an account: named
        AWSReservedSSO_<set>_<suffix> at the instance's path, trusting the account's SAML provider,
        with the set's policies (IAM Identity Center User Guide, "IAM roles created by IAM Identity
        Center"; the provisioning policy AWSSSOServiceRolePolicy creates them only under
        arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*)."""
        identity, boundary = self._permission_set_policies(permission_set)
        center = self._identity_center
        trust = parse(saml_trust(account_id), PolicyRef(f"trust policy of permission set {permission_set}", "resource"))
        name = ic.role_name(permission_set, stand_in_suffix(permission_set))
        return Role(name, trust, identity, boundary, ic.role_path(center.region), permission_set)

    @property
    def _identity_center(self) -> IdentityCenter:
        assert self.spec.identity_center is not None, "no identity_center in the spec"
        return self.spec.identity_center

    @cache  # noqa: B019 (one instance per validation: the cache goes with it)
    def _permission_set_policies(self, name: str) -> tuple[tuple[Policy, ...], Policy | None]:
        """A permission set's identity policies and boundary: its AWS managed policies from the
        catalogue, its inline policy, and its customer managed policies, which exist only in the
        accounts (unknown offline: each is taken as allowing nothing, as managed_policy takes a
        customer managed ARN; a customer managed boundary alike, so the analysis never claims access
        the account's own policy may not give)."""
        permission_set = self._identity_center.permission_sets[name]
        identity = [managed_policy(p) for p in permission_set.managed_policies]
        identity += [customer_managed(f"{ref.path}{ref.name}", "identity") for ref in permission_set.customer_managed_policies]
        if permission_set.inline_policy is not None:
            identity.append(parse(permission_set.inline_policy.content, PolicyRef(f"{name}-inline", "identity")))
        boundary = None
        if permission_set.permissions_boundary is not None:
            bound = permission_set.permissions_boundary
            if bound.managed_policy:
                boundary = managed_policy(bound.managed_policy, "boundary")
            elif bound.customer_managed_policy is not None:
                ref = bound.customer_managed_policy
                boundary = customer_managed(f"{ref.path}{ref.name}", "boundary")
        return tuple(identity), boundary

    @cache  # noqa: B019 (one instance per validation: the cache goes with it)
    def _access_role(self, name: str) -> Role:
        return Role(
            name, parse(ACCESS_ROLE_TRUST, PolicyRef(f"trust policy of {name}", "resource")), (managed_policy("AdministratorAccess"),)
        )

    @cache  # noqa: B019 (one instance per validation: the cache goes with it)
    def _member_role(self, name: str) -> Role:
        role = self.spec.member_roles.catalogue[name]
        if role.trust.third_party_account:
            trust = iam_documents.trust_third_party(role.trust.third_party_account, "${ExternalId}")
        else:
            trust = iam_documents.trust_account_with_mfa(MANAGEMENT_ACCOUNT, role.trust.mfa_max_age_seconds)
        identity = [managed_policy(p) for p in role.managed_policies]
        identity += [parse(d.content, PolicyRef(f"{name}-{d.name}", "identity")) for d in role.inline_policies]
        boundary = managed_policy(role.permissions_boundary, "boundary") if role.permissions_boundary else None
        return Role(name, parse(trust, PolicyRef(f"trust policy of {name}", "resource")), tuple(identity), boundary)

    def stacksets_execution_role(self, account: Account) -> Caller:
        return Caller(f"arn:aws:iam::{account.id}:role/{stacksets.EXECUTION_ROLE_EXAMPLE}", account.id, "role")

    # Organization policies -----------------------------------------------------------------------

    def _chain(self, account: Account, policy_type: str, kind: str) -> tuple[Level, ...]:
        default_name = POLICY_TYPES[policy_type].default_policy or ""
        default = parse({"Version": "2012-10-17", "Statement": [_full_access(kind)]}, PolicyRef(default_name, kind))  # type: ignore[arg-type]
        ous = account.ou.split("/") if account.ou != ROOT else []
        levels = [(ROOT, "Root")] + [("/".join(ous[: i + 1]), f"OU {'/'.join(ous[: i + 1])}") for i in range(len(ous))]
        if account.key:
            levels.append((account.key, f"account {account.key}"))
        detached = self.spec.organization.full_aws_access_detached if policy_type == "SERVICE_CONTROL_POLICY" else ()
        chain = []
        for target, label in levels:
            defaults = () if target in detached else (default,)
            attached = [
                self._policy(key, label, kind)
                for key, policy in self.spec.organization_policies.items()
                if policy.type == policy_type and target in policy.targets
            ]
            chain.append(Level(label, (*defaults, *attached)))
        return tuple(chain)

    def _policy(self, key: str, label: str, kind: str) -> Policy:
        if (key, label, kind) not in self._parsed:
            ref = PolicyRef(key, kind, label)  # type: ignore[arg-type]
            self._parsed[(key, label, kind)] = parse(self.spec.organization_policies[key].document.content, ref)
        return self._parsed[(key, label, kind)]

    def organization_policies(self, accounts: list[Account]) -> OrganizationPolicies:
        enabled = self.spec.organization.policy_types
        scps = {a.id: self._chain(a, "SERVICE_CONTROL_POLICY", "scp") for a in accounts} if "SERVICE_CONTROL_POLICY" in enabled else {}
        rcps = {a.id: self._chain(a, "RESOURCE_CONTROL_POLICY", "rcp") for a in accounts} if "RESOURCE_CONTROL_POLICY" in enabled else {}
        return OrganizationPolicies(MANAGEMENT_ACCOUNT, scps, rcps)

    # Groups of the management account ------------------------------------------------------------

    @cache  # noqa: B019 (one instance per validation: the cache goes with it)
    def group_policies(self, name: str) -> tuple[Policy, ...]:
        group = self.spec.management_baseline.groups[name]
        policies = [managed_policy(p) for p in group.managed_policies]
        if group.require_mfa:
            policies.append(parse(iam_documents.require_mfa(), PolicyRef("RequireMFA", "identity")))
        policies += [parse(d.content, PolicyRef(f"{name}-{d.name}", "identity")) for d in group.inline_policies]
        role_arns = management_role_arns(self.spec.management_baseline, MANAGEMENT_ACCOUNT)
        switch = switch_policy(name, self.spec.management_baseline, self.org_paths, guarded_roles(self.spec), *role_arns)
        policies.append(parse(switch, PolicyRef(f"{name}-switch-roles", "identity")))
        return tuple(policies)

    # Roles of the management account that people assume ---------------------------------------

    @cached_property
    def management_roles(self) -> dict[str, Role]:
        """The support role and the administrator role, as ManagementBaselineStack deploys them:
        trusted by the management account with MFA (recently, if the administrator role says so);
        and the roles Identity Center provisions there for the permission sets assigned to
        `management` (their SAML trust admits no IAM principal)."""
        baseline = self.spec.management_baseline
        roles = {}
        for permission_set in sorted({permission_set for _, permission_set in self.management_assignments}):
            role = self.identity_center_role(permission_set, MANAGEMENT_ACCOUNT)
            roles[role.name] = role
        if baseline.support_role:
            name = baseline.support_role.name
            roles[name] = Role(name, self._mfa_trust(name, None), (managed_policy("AWSSupportAccess"),))
        if baseline.admin_role:
            name = baseline.admin_role.name
            fence = parse(iam_documents.stay_in_account(MANAGEMENT_ACCOUNT), PolicyRef(f"{name}-stay-in-account", "identity"))
            trust = self._mfa_trust(name, baseline.admin_role.mfa_max_age_seconds)
            roles[name] = Role(name, trust, (managed_policy("AdministratorAccess"), fence))
        return roles

    @staticmethod
    def _mfa_trust(name: str, max_age_seconds: int | None) -> Policy:
        trust = iam_documents.trust_account_with_mfa(MANAGEMENT_ACCOUNT, max_age_seconds)
        return parse(trust, PolicyRef(f"trust policy of {name}", "resource"))

    def context(self, caller: Account | None, resource: Account | None) -> dict[str, ContextValue]:
        """The organization keys AWS puts in a request of a principal of `caller`'s account on a
        resource of `resource`'s (None: the management account), over TLS: aws:PrincipalOrgID and
        PrincipalOrgPaths, aws:ResourceOrgID and ResourceOrgPaths (facts 107, 108, 124)."""
        management_path = f"{self.org_paths[ROOT]}{MANAGEMENT_ACCOUNT}/"
        caller_path = caller.org_path if caller else management_path
        return organization_context(self.organization_id, caller_path, resource.org_path if resource else management_path)

    @staticmethod
    def group_member(group: str) -> Caller:
        return Caller(f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:user/member-of-{group}", MANAGEMENT_ACCOUNT, "user")


def organization_context(organization_id: str, caller_path: str, resource_path: str) -> dict[str, ContextValue]:
    """The keys AWS adds to a request between two accounts of one organization (facts 107, 108,
    124), sent over TLS: every request carries aws:SecureTransport ("AWS global condition context
    keys"), and the people and tools the analysis speaks for call through the SDKs or the console."""
    return {
        "aws:SecureTransport": "true",
        "aws:PrincipalOrgID": organization_id,
        "aws:PrincipalOrgPaths": (caller_path,),
        "aws:ResourceOrgID": organization_id,
        "aws:ResourceOrgPaths": (resource_path,),
    }


# A person who has just signed in with MFA: any mfa_max_age_seconds (60 at least) admits them.
SIGNED_IN_WITH_MFA: dict[str, ContextValue] = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "0"}
# A person signed in through IAM Identity Center: a federated session, which carries neither key
# ("This condition key is not present for federated identities", docs/sources/policy-evaluation.md,
# facts 115 and 118): the identity provider did the MFA, and no context key says so.
FEDERATED_SESSION: dict[str, ContextValue] = {}


def customer_managed(name: str, kind: str) -> Policy:
    """A customer managed policy a permission set references: it exists only in the accounts."""
    return parse({"Statement": []}, PolicyRef(f"{name} (customer managed, unknown offline)", kind))  # type: ignore[arg-type]


_ORG_ID_KEYS = ("aws:principalorgid", "aws:resourceorgid", "aws:sourceorgid")


def _named_organization_id(spec: OrgSpec) -> str | None:
    """The organization's ID as its own policies name it (a data perimeter compares
    aws:PrincipalOrgID with it). Offline the organization has no ID yet: the one the policies name
    stands for it, so that the perimeter lets the organization's own principals through."""
    for policy in spec.organization_policies.values():
        for key, values in _condition_entries(policy.document.content):
            named = [v for v in as_tuple(values) or () if isinstance(v, str) and re.fullmatch(r"o-[a-z0-9]{10,32}", v)]
            if key.lower() in _ORG_ID_KEYS and named:
                return named[0]
    return None


def _condition_entries(document: Any) -> Iterator[tuple[str, Any]]:
    """(condition key, values) of every condition of a policy document, whatever its shape."""
    statements = document.get("Statement") if isinstance(document, dict) else None
    for statement in as_tuple(statements) or ():
        condition = statement.get("Condition") if isinstance(statement, dict) else None
        for block in condition.values() if isinstance(condition, dict) else ():
            yield from block.items() if isinstance(block, dict) else ()


def _full_access(kind: str) -> dict[str, Any]:
    """FullAWSAccess / RCPFullAWSAccess, attached everywhere their type is enabled (fact 27, 45)."""
    statement: dict[str, Any] = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    return {**statement, "Principal": "*"} if kind == "rcp" else statement
