"""Which CIS AWS Foundations Benchmark 5.0 recommendations an organization meets, from its spec alone
(orgboot review, orgboot validate --cis): each met, not met (with what to set in org.yaml) or out of
scope (with why), for the recommendations an account bootstrapper owns (aws/cis_benchmark.py).

Each is decided from what the stacks deploy for the spec: the same spec sections the stacks read
(the password policy, the groups' MFA, the support role, the organization trail and its CIS
monitoring), and, where organization policies decide it (the root user, IAM users, HTTP to S3 in
member accounts), the policy evaluator on the organization the spec deploys (offline.py): every
OU's stand-in account, so that an account that joins later counts too, and the accounts with
policies of their own. SCPs and RCPs never restrict the management account (Organizations User
Guide, "Service control policies" and "Resource control policies"): what only they enforce holds
for the member accounts, and each answer says what that leaves in the management account.

Informational: a recommendation not met is no finding; validate and review pass as before.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any

from orgboot.analysis.labels import Labeller
from orgboot.analysis.offline import Account, OfflineOrganization, managed_policy
from orgboot.aws import cis_monitoring, managed_policies
from orgboot.aws.cis_benchmark import MINIMUM_PASSWORD_LENGTH, PASSWORDS_REMEMBERED, RECOMMENDATIONS, Recommendation
from orgboot.aws.organizations import ROOT
from orgboot.aws.regions import HOME_REGION, PARTITION
from orgboot.aws.security_services import STANDARDS
from orgboot.policy.evaluation import Applicable, ContextValue, Decision, Request, evaluate
from orgboot.policy.matching import Caller
from orgboot.policy.statements import PolicyRef, parse
from orgboot.spec import OrgSpec
from orgboot.spec.account_settings import records
from orgboot.spec.security_services import security_hub_home


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not met"
    OUT_OF_SCOPE = "out of scope"


@dataclass(frozen=True)
class Coverage:
    recommendation: Recommendation
    status: Status
    detail: str  # met: how; not met: what to set in org.yaml; out of scope: why


Verdict = tuple[Status, str]


def coverage(spec: OrgSpec) -> list[Coverage]:
    """Every recommendation of aws/cis_benchmark.py, decided for a valid spec, in the benchmark's order."""
    organization = _Organization(spec)
    return [Coverage(r, *DECIDE[r.number](organization)) for r in RECOMMENDATIONS]


def counts(covered: Iterable[Coverage]) -> dict[Status, int]:
    found = dict.fromkeys(Status, 0)
    for each in covered:
        found[each.status] += 1
    return found


def summary(covered: Iterable[Coverage]) -> str:
    """ "27 met, 12 not met, 11 out of scope": the heading of every view of it."""
    return ", ".join(f"{count} {status}" for status, count in counts(covered).items())


def _met(how: str) -> Verdict:
    return Status.MET, how


def _not_met(what_to_set: str) -> Verdict:
    return Status.NOT_MET, what_to_set


def _out_of_scope(why: str) -> Verdict:
    return Status.OUT_OF_SCOPE, why


def _not_built(what: str, note: str = "") -> Verdict:
    """Not met, because orgboot cannot set it up yet: one function per recommendation calls it, the
    place to decide from the spec once orgboot can."""
    return Status.NOT_MET, f"orgboot does not set up {what} yet" + (f"; {note}" if note else "")


# The member accounts, as the policy evaluator sees them ------------------------------------------

MANAGEMENT_OUTSIDE_SCPS = "SCPs never restrict the management account"
# A role of a member account that no guardrail knows by name, holding AdministratorAccess: what
# the organization policies leave anyone in the account who is not orgboot's or break-glass.
ANY_ROLE = "any-role"
# What the root user does day to day: IAM, S3 and EC2 reads, in the home region. An account where
# the SCPs deny all three has a root user that cannot act (a region deny takes EC2 away only
# outside its allowed regions, and IAM and S3's global actions never: aws/global_services.py).
ROOT_PROBES = ("iam:ListUsers", "s3:ListAllMyBuckets", "ec2:DescribeInstances")


@dataclass(frozen=True)
class Outcome:
    open_in: tuple[Account, ...]  # the evaluated accounts where the request goes through
    closed_by: tuple[str, ...]  # what refuses it elsewhere: "guardrail deny-root-user", ...
    everywhere: bool  # open in every evaluated account

    @property
    def where_open(self) -> str:
        """Where the request goes through, as a reader knows it: "OU Sandbox and accounts directly
        under Root". An OU under one that is named goes without saying: a fix there reaches it."""
        if self.everywhere:
            return "every member account"
        ous = {account.ou for account in self.open_in if account.key is None}
        names = [
            f"account {account.key}" if account.key else "accounts directly under Root" if account.ou == ROOT else f"OU {account.ou}"
            for account in self.open_in
            if account.key or not any(account.ou.startswith(f"{ou}/") for ou in ous - {ROOT})
        ]
        if len(names) > SHOWN:
            names = [*names[:SHOWN], f"{len(names) - SHOWN} more"]
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


SHOWN = 5  # accounts and OUs named where a request goes through; the rest are counted


class _Organization:
    """The spec, and the organization it deploys as the evaluator sees it, built when first asked."""

    def __init__(self, spec: OrgSpec) -> None:
        self.spec = spec

    @cached_property
    def _offline(self) -> OfflineOrganization:
        return OfflineOrganization(self.spec)

    @cached_property
    def _accounts(self) -> list[Account]:
        return self._offline.evaluated

    @cached_property
    def _labeller(self) -> Labeller:
        stand_ins = {account.id: str(account.key) for account in self._offline.accounts}
        return Labeller({key: self.spec.policy_name(key) for key in self.spec.organization_policies}, stand_ins)

    def outcome(
        self,
        requests: Callable[[Account], Iterable[Request]],
        applicable: Applicable,
        closed: Callable[[Decision], bool] = lambda decision: not decision.allowed,
        kinds: tuple[str, ...] = ("scp", "rcp"),
    ) -> Outcome:
        """Where any of an account's `requests` is not `closed`, and the organization policies of
        `kinds` that close them elsewhere."""
        policies = self._offline.organization_policies(self._accounts)
        open_in: list[Account] = []
        by: dict[str, None] = {}
        for account in self._accounts:
            decisions = [evaluate(request, applicable, policies) for request in requests(account)]
            if not all(closed(decision) for decision in decisions):
                open_in.append(account)
                continue
            for decision in decisions:
                by.update(dict.fromkeys(self._closers(decision, kinds)))
        return Outcome(tuple(open_in), tuple(sorted(by)), len(open_in) == len(self._accounts))

    def _closers(self, decision: Decision, kinds: tuple[str, ...]) -> Iterable[str]:
        if decision.decision == "implicit_deny":  # an allow-list: no SCP allows it
            yield self._labeller.text(decision.reason)
        for statement in decision.statements:
            if statement.policy.kind in kinds:
                yield self._labeller.policy(statement)

    def context(self, account: Account) -> dict[str, ContextValue]:
        """A request of someone in `account` on its own resources, over TLS, in the home region."""
        return {**self._offline.context(account, account), "aws:RequestedRegion": HOME_REGION}


def _root_user(account: Account) -> Caller:
    return Caller(f"arn:{PARTITION}:iam::{account.id}:root", account.id, "root")


def _any_role(account: Account) -> Caller:
    return Caller(f"arn:{PARTITION}:iam::{account.id}:role/{ANY_ROLE}", account.id, "role")


ADMINISTRATOR = Applicable(identity=(managed_policy("AdministratorAccess"),))


def _guardrail_on_root(spec: OrgSpec, guardrail: str, policy_type: str) -> str:
    """What to set in org.yaml for `guardrail` to reach every member account."""
    steps = []
    if policy_type not in spec.organization.policy_types:
        steps.append(f"add {policy_type} to organization.policy_types")
    keys = [key for key, use in spec.guardrails.items() if use.guardrail == guardrail]
    steps.append(f"add Root to guardrails.{keys[0]}.targets" if keys else f"add guardrails.{guardrail} with targets: [Root]")
    return " and ".join(steps)


# Section 1: identity and access management -------------------------------------------------------


def _contact_details(_: _Organization) -> Verdict:
    return _out_of_scope(
        "Keeping each account's primary contact current is a task for people: orgboot sets an account's root email when"
        " it creates the account, and nothing in a spec can tell whether a phone number is still answered"
    )


def _security_contact(organization: _Organization) -> Verdict:
    # As the stacks set them (stacks/alternate_contacts.py): each account's contacts from
    # of_account, the management account's from of_management.
    spec = organization.spec
    contacts = spec.security_baseline.alternate_contacts
    fix = "set security_baseline.alternate_contacts.default.security (name, title, email, phone)"
    if contacts is None:
        return _not_met(fix)
    missing = [] if "SECURITY" in contacts.of_management() else ["the management account"]
    missing += [key for key, account in spec.accounts.items() if "SECURITY" not in contacts.of_account(key, account.ou)]
    if missing:
        shown = ", ".join(missing[:SHOWN]) + (f" and {len(missing) - SHOWN} more" if len(missing) > SHOWN else "")
        return _not_met(f"No security contact for {shown}: {fix}, or per OU or account")
    return _met("Every account has a security contact, the management account too (security_baseline.alternate_contacts)")


def _root_access_keys(organization: _Organization) -> Verdict:
    found = organization.outcome(
        lambda account: [Request(_root_user(account), "iam:CreateAccessKey", context=organization.context(account))], Applicable()
    )
    management = f"{MANAGEMENT_OUTSIDE_SCPS}: its root user must hold no access keys, which only that root user can see and delete"
    if found.open_in:
        fix = _guardrail_on_root(organization.spec, "deny-root-access-keys", "SERVICE_CONTROL_POLICY")
        return _not_met(f"The root user can create access keys in {found.where_open}: {fix}. {management}")
    by = ", ".join(found.closed_by)
    return _met(f"The root user of every member account cannot create access keys ({by}), accounts that join later included. {management}")


def _root_mfa(_: _Organization) -> Verdict:
    return _out_of_scope(
        "Only the root user can register its own MFA device, and orgboot never holds root credentials. An account orgboot"
        " creates has no root password anyone knows until someone recovers it"
    )


def _root_use(organization: _Organization) -> Verdict:
    def requests(account: Account) -> list[Request]:
        return [Request(_root_user(account), action, context=organization.context(account)) for action in ROOT_PROBES]

    found = organization.outcome(requests, Applicable())
    management = f"{MANAGEMENT_OUTSIDE_SCPS}: its root user is kept for the tasks only it can do"
    if organization.spec.management_baseline.organization_trail and organization.spec.management_baseline.organization_trail.cis_monitoring:
        management += ", and the CIS 4.3 alarm reports its use"
    if found.open_in:
        fix = _guardrail_on_root(organization.spec, "deny-root-user", "SERVICE_CONTROL_POLICY")
        return _not_met(f"The root user can act in {found.where_open}: {fix}. {management}")
    by = ", ".join(found.closed_by)
    return _met(
        f"The root user of every member account can do nothing outside a centralized root access session ({by}), accounts"
        f" that join later included. {management}"
    )


def _password_length(organization: _Organization) -> Verdict:
    policy = organization.spec.management_baseline.password_policy
    if policy is None:
        return _not_met("set management_baseline.password_policy: null leaves the account's password policy as it is")
    if policy.minimum_length < MINIMUM_PASSWORD_LENGTH:
        return _not_met(
            f"set management_baseline.password_policy.minimum_length to {MINIMUM_PASSWORD_LENGTH} or more (it is {policy.minimum_length})"
        )
    return _met(
        f"The management account's password policy asks for {policy.minimum_length} characters or more. It is where orgboot's"
        " IAM users are; orgboot sets no password policy in member accounts"
    )


def _password_reuse(organization: _Organization) -> Verdict:
    policy = organization.spec.management_baseline.password_policy
    if policy is None:
        return _not_met("set management_baseline.password_policy: null leaves the account's password policy as it is")
    if policy.reuse_prevention is None or policy.reuse_prevention < PASSWORDS_REMEMBERED:
        return _not_met(
            f"set management_baseline.password_policy.reuse_prevention to {PASSWORDS_REMEMBERED} (it is {policy.reuse_prevention})"
        )
    return _met(f"The management account's password policy remembers the last {policy.reuse_prevention} passwords")


def _users_mfa(organization: _Organization) -> Verdict:
    baseline = organization.spec.management_baseline
    unguarded = [name for name, user in baseline.users.items() if not any(baseline.groups[group].require_mfa for group in user.groups)]
    if unguarded:
        groups = sorted({group for name in unguarded for group in baseline.users[name].groups})
        where = " or ".join(f"management_baseline.groups.{group}.require_mfa" for group in groups)
        return _not_met(f"Users {', '.join(unguarded)} are in no group that requires MFA: set {where} to true")
    if not baseline.users:
        return _met("org.yaml declares no IAM users")
    return _met(
        "Every IAM user is in a group with require_mfa: until signed in with MFA a user can do nothing but set up an MFA"
        " device (the RequireMFA policy). orgboot sets no console passwords"
    )


def _process(what: str) -> Callable[[_Organization], Verdict]:
    def decide(_: _Organization) -> Verdict:
        return _out_of_scope(f"{what}: orgboot creates IAM users without passwords or access keys and never sees their credentials")

    return decide


def _permissions_through_groups(_: _Organization) -> Verdict:
    # management_baseline.users gives a user its groups and nothing else (spec/baseline.py, User).
    return _met("orgboot's IAM users get their permissions from their groups only: org.yaml gives a user nothing but groups")


def _allows_everything(document: Any, name: str) -> bool:
    """An Allow of Action "*" on Resource "*", as 1.15's audit looks for it."""
    policy = parse(document, PolicyRef(name, "identity"))
    return any(st.effect == "Allow" and "*" in (st.actions or ()) and "*" in (st.resources or ()) for st in policy.statements)


def _full_administrators(organization: _Organization) -> Verdict:
    baseline = organization.spec.management_baseline
    holders: dict[str, list[str]] = {}
    for name, group in baseline.groups.items():
        documents = [(p, managed_policies.document(p)) for p in group.managed_policies]
        documents += [(document.name, document.content) for document in group.inline_policies]
        found = [policy for policy, document in documents if document is not None and _allows_everything(document, policy)]
        if found:
            holders[name] = found
    roles = (
        "Roles may hold it (member roles, admin_role, and the access role AWS creates with AdministratorAccess);"
        " a strict scanner such as prowler flags those too"
    )
    if holders:
        held = "; ".join(f"{group} holds {', '.join(policies)}" for group, policies in holders.items())
        return _not_met(
            f"{held}: take it off the group and let the group assume management_baseline.admin_role (assumable_by) instead. {roles}"
        )
    how = "administrators assume management_baseline.admin_role" if baseline.admin_role else "no administrator role is declared"
    return _met(f'No group or user of org.yaml holds a policy that allows "*:*" ({how}). {roles}')


def _support_role(organization: _Organization) -> Verdict:
    role = organization.spec.management_baseline.support_role
    if role is None:
        return _not_met("set management_baseline.support_role with assumable_by (the groups that handle incidents with AWS Support)")
    return _met(f"Role {role.name} (AWSSupportAccess) in the management account, assumable with MFA by {', '.join(role.assumable_by)}")


def _workloads(what: str) -> Callable[[_Organization], Verdict]:
    def decide(_: _Organization) -> Verdict:
        return _out_of_scope(f"{what} belong to the workloads in each account, which orgboot does not deploy")

    return decide


def _in_regions(spec: OrgSpec) -> str:
    """Where the regional security services run, and what CIS's "all regions" leaves."""
    return (
        f"in {', '.join(spec.security_regions)} (security_baseline.regions); CIS asks for every region in use: keep the"
        " others closed (region-deny)"
    )


def _access_analyzer(organization: _Organization) -> Verdict:
    spec = organization.spec
    if spec.security_baseline.access_analyzer is None:
        return _not_met("set security_baseline.access_analyzer: {} (its delegated_administrator runs it)")
    administrator = spec.security_baseline.delegated_administrator
    return _met(f"An analyzer with the organization as its zone of trust, in {administrator}, {_in_regions(spec)}")


def _central_users(organization: _Organization) -> Verdict:
    found = organization.outcome(
        lambda account: [Request(_any_role(account), "iam:CreateUser", context=organization.context(account))], ADMINISTRATOR
    )
    central = "orgboot declares IAM users only in the management account and reaches member accounts through roles"
    if found.open_in:
        fix = _guardrail_on_root(organization.spec, "deny-iam-users", "SERVICE_CONTROL_POLICY")
        return _not_met(f"{central}, but {found.where_open} can create IAM users of their own: {fix}")
    return _met(f"{central}; member accounts cannot create IAM users of their own ({', '.join(found.closed_by)})")


CLOUDSHELL = "AWSCloudShellFullAccess"


def _cloudshell(organization: _Organization) -> Verdict:
    spec = organization.spec

    def holds(policies: Iterable[str]) -> bool:
        return any(p.removeprefix(managed_policies.ARN_PREFIX) == CLOUDSHELL for p in policies)

    holders = [f"group {name}" for name, group in spec.management_baseline.groups.items() if holds(group.managed_policies)]
    holders += [f"member role {name}" for name, role in spec.member_roles.catalogue.items() if holds(role.managed_policies)]
    if holders:
        return _not_met(f"{', '.join(holders)} hold {CLOUDSHELL}: take it out of their managed_policies")
    return _met(f"No group or member role of org.yaml holds {CLOUDSHELL}")


# Section 2: storage ------------------------------------------------------------------------------


def _s3_https(organization: _Organization) -> Verdict:
    def requests(account: Account) -> list[Request]:
        context = {**organization.context(account), "aws:SecureTransport": "false"}
        return [Request(_any_role(account), "s3:GetObject", f"arn:{PARTITION}:s3:::any-bucket/any-key", account.id, context)]

    def refused_by_rcp(decision: Decision) -> bool:
        return decision.decision == "explicit_deny" and any(st.policy.kind == "rcp" for st in decision.statements)

    found = organization.outcome(requests, ADMINISTRATOR, refused_by_rcp, kinds=("rcp",))
    management = (
        "RCPs never restrict the management account: its buckets deny HTTP in their own policies (orgboot's trail buckets"
        " do, wherever they are). Scanners look for the deny in each bucket's policy"
    )
    if found.open_in:
        fix = _guardrail_on_root(organization.spec, "data-perimeter-https", "RESOURCE_CONTROL_POLICY")
        return _not_met(f"Buckets in {found.where_open} answer HTTP requests: {fix}. {management}")
    by = ", ".join(found.closed_by)
    return _met(f"Every bucket of a member account refuses HTTP ({by}), accounts that join later included. {management}")


def _s3_block_public_access(organization: _Organization) -> Verdict:
    if not organization.spec.security_baseline.s3_block_public_access:
        return _not_met("set security_baseline.s3_block_public_access: true")
    return _met("Account-level S3 Block Public Access, all four settings, in every account, the management account too")


# Section 3: logging ------------------------------------------------------------------------------

NO_TRAIL = "set management_baseline.organization_trail (name: organization-trail)"


def _trail(organization: _Organization) -> Verdict:
    trail = organization.spec.management_baseline.organization_trail
    if trail is None:
        return _not_met(NO_TRAIL)
    return _met(f"The organization trail {trail.name} logs every account in every region, global service events included")


def _log_file_validation(organization: _Organization) -> Verdict:
    trail = organization.spec.management_baseline.organization_trail
    if trail is None:
        return _not_met(NO_TRAIL)
    return _met(f"The organization trail {trail.name} validates its log files")


def _config(organization: _Organization) -> Verdict:
    spec = organization.spec
    if spec.security_baseline.config is None:
        return _not_met("set security_baseline.config: {} (its aggregator goes to the delegated_administrator)")
    if not records(spec.security_baseline):
        return _not_met("set security_baseline.config.recording: true (the recorders are deleted while it is false)")
    return _met(f"AWS Config records every account, the management account too, {_in_regions(spec)}")


def _logs_kept(organization: _Organization) -> str | None:
    """Where the organization trail's logs live, as stacks/organization_trail.py puts them: with the
    trail, in a bucket whose access is logged to a second bucket, encrypted with a KMS key that
    rotates (constructs/trail_log_store.py); None without a trail."""
    trail = organization.spec.management_baseline.organization_trail
    if trail is None:
        return None
    if trail.log_archive is None:
        return "the management account"
    return f"account {trail.log_archive.account} ({trail.log_archive.region})"


def _trail_bucket_access_logs(organization: _Organization) -> Verdict:
    if (where := _logs_kept(organization)) is None:
        return _not_met(NO_TRAIL)
    return _met(f"The trail's bucket, in {where}, logs its access to a second bucket there")


def _trail_encryption(organization: _Organization) -> Verdict:
    if (where := _logs_kept(organization)) is None:
        return _not_met(NO_TRAIL)
    return _met(f"The trail encrypts its log files with a customer managed KMS key in {where}")


def _key_rotation(organization: _Organization) -> Verdict:
    if (where := _logs_kept(organization)) is None:
        return _not_met(f"{NO_TRAIL}: its KMS key rotates; the workloads' keys are theirs to rotate")
    return _met(f"orgboot's one key, the trail's in {where}, rotates every year; the workloads' keys are theirs to rotate")


def _s3_write_events(_: _Organization) -> Verdict:
    return _not_built("S3 data events (writes) on the organization trail")


def _s3_read_events(_: _Organization) -> Verdict:
    return _not_built("S3 data events (reads) on the organization trail")


# Section 4: monitoring ---------------------------------------------------------------------------

_MONITORED = {control.number: control for control in cis_monitoring.CONTROLS}


def _monitoring(number: str) -> Callable[[_Organization], Verdict]:
    control = _MONITORED[number]

    def decide(organization: _Organization) -> Verdict:
        trail = organization.spec.management_baseline.organization_trail
        if trail is None:
            return _not_met("set management_baseline.organization_trail with cis_monitoring.notify (e-mail addresses)")
        if trail.cis_monitoring is None:
            return _not_met("set management_baseline.organization_trail.cis_monitoring.notify (e-mail addresses)")
        emails = ", ".join(trail.cis_monitoring.notify)
        return _met(
            f"Metric filter and alarm {cis_monitoring.NAMESPACE}/{control.metric} on the organization trail's logs, e-mailing {emails}"
        )

    return decide


def _security_hub(organization: _Organization) -> Verdict:
    spec = organization.spec
    security_hub = spec.security_baseline.security_hub
    if security_hub is None:
        return _not_met("set security_baseline.security_hub: {} (its delegated_administrator runs it)")
    standards = ", ".join(STANDARDS[standard] for standard in security_hub.standards)
    home = security_hub_home(security_hub, spec.security_regions)
    administrator = spec.security_baseline.delegated_administrator
    return _met(
        f"Security Hub in every account, the management account too, by central configuration from {administrator} in"
        f" {home}: {standards}, {_in_regions(spec)}"
    )


# Section 5: networking ---------------------------------------------------------------------------


def _ebs_encryption(organization: _Organization) -> Verdict:
    spec = organization.spec
    if not spec.security_baseline.ebs_encryption:
        return _not_met("set security_baseline.ebs_encryption: true")
    return _met(f"New EBS volumes are encrypted by default in every account, the management account too, {_in_regions(spec)}")


DECIDE: dict[str, Callable[[_Organization], Verdict]] = {
    "1.1": _contact_details,
    "1.2": _security_contact,
    "1.3": _root_access_keys,
    "1.4": _root_mfa,
    "1.5": _root_mfa,
    "1.6": _root_use,
    "1.7": _password_length,
    "1.8": _password_reuse,
    "1.9": _users_mfa,
    "1.10": _process("Creating access keys only when a user asks for them is a practice of whoever sets up console access"),
    "1.11": _process("Disabling unused credentials reads their last use over time (the IAM credential report)"),
    "1.12": _process("Access keys are made and retired by their users"),
    "1.13": _process("Rotating access keys is done by their users"),
    "1.14": _permissions_through_groups,
    "1.15": _full_administrators,
    "1.16": _support_role,
    "1.17": _workloads("EC2 instances and their roles"),
    "1.18": _workloads("Server certificates stored in IAM"),
    "1.19": _access_analyzer,
    "1.20": _central_users,
    "1.21": _cloudshell,
    "2.1.1": _s3_https,
    "2.1.4": _s3_block_public_access,
    "2.2.1": _workloads("RDS instances"),
    "3.1": _trail,
    "3.2": _log_file_validation,
    "3.3": _config,
    "3.4": _trail_bucket_access_logs,
    "3.5": _trail_encryption,
    "3.6": _key_rotation,
    "3.7": _workloads("VPCs and their flow logs"),
    "3.8": _s3_write_events,
    "3.9": _s3_read_events,
    **{number: _monitoring(number) for number in _MONITORED},
    "4.16": _security_hub,
    "5.1.1": _ebs_encryption,
}
