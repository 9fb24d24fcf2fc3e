"""Rules that relate several entries of the spec (uniqueness, counts, sizes). Each rule is one
small generator of Problems with a message that says what would be right; RULES lists them all.
References (an account's OU, a policy's targets and type) are checked field by field in spec.py.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable

from orgboot import limits, naming
from orgboot.problems import Problem
from orgboot.spec import ACCESS_ROLE, ROOT, OrgSpec

Rule = Callable[[OrgSpec], Iterable[Problem]]


def account_emails_unique(spec: OrgSpec) -> Iterable[Problem]:
    # AWS treats emails case-insensitively: two accounts can never share one.
    first: dict[str, str] = {}
    for key, account in spec.accounts.items():
        email = account.email.lower()
        if email in first:
            yield Problem(("accounts", key, "email"), f"email '{account.email}' is already used by account '{first[email]}'; every account needs its own")
        first.setdefault(email, key)


def account_names_unique(spec: OrgSpec) -> Iterable[Problem]:
    first: dict[str, str] = {}
    for key, account in spec.accounts.items():
        if account.name in first:
            yield Problem(("accounts", key, "name"), f"name '{account.name}' is already used by account '{first[account.name]}'; give each account its own name")
        first.setdefault(account.name, key)


def ous_listed_once(spec: OrgSpec) -> Iterable[Problem]:
    seen: set[str] = set()
    for index, path in enumerate(spec.organizational_units):
        if path in seen:
            yield Problem(
                ("organizational_units", index),
                f"OU '{path}' is listed twice; AWS refuses two OUs with the same name under one parent",
            )
        seen.add(path)


def policies_fit(spec: OrgSpec) -> Iterable[Problem]:
    for key, policy in spec.policies.items():
        limit = limits.POLICY_TYPE_LIMITS[policy.type].max_chars
        size = len(policy.document.minified)
        if size > limit:
            yield Problem(
                ("policies", key, "document"),
                f"'{policy.document.path}' is {size} characters minified; a {policy.type} may have at most {limit}",
            )
        if policy.type in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY") and "Statement" not in policy.document.content:
            yield Problem(("policies", key, "document"), f"'{policy.document.path}' has no Statement; a {policy.type} needs one")


def attachments_per_target(spec: OrgSpec) -> Iterable[Problem]:
    attached: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, policy in spec.policies.items():
        for target in dict.fromkeys(policy.targets):
            attached[(policy.type, target)].append(key)
    for (policy_type, target), keys in attached.items():
        type_limits = limits.POLICY_TYPE_LIMITS[policy_type]
        allowed = type_limits.max_per_target - (1 if type_limits.default_policy else 0)
        if len(keys) > allowed:
            default = f" besides {type_limits.default_policy}, which AWS keeps attached" if type_limits.default_policy else ""
            yield Problem(
                ("policies", keys[allowed], "targets"),
                f"{len(keys)} {policy_type} policies target '{target}' ({', '.join(keys)}); at most {allowed} may{default}",
            )


def logical_ids_distinct(spec: OrgSpec) -> Iterable[Problem]:
    groups = [
        ("accounts", list(spec.accounts), naming.account_logical_id),
        ("policies", list(spec.policies), naming.policy_logical_id),
        ("organizational_units", list(spec.ou_paths), naming.ou_logical_id),
    ]
    for section, keys, to_id in groups:
        owner: dict[str, str] = {}
        for key in keys:
            logical_id = to_id(key)
            if logical_id in owner:
                loc = (section, key) if section != "organizational_units" else (section,)
                yield Problem(loc, f"'{key}' and '{owner[logical_id]}' both become CloudFormation resource {logical_id}; rename one")
            owner.setdefault(logical_id, key)


def _covers(target: str, ou: str) -> bool:
    return target == ROOT or ou == target or ou.startswith(target + "/")


def grants_match_deployed_roles(spec: OrgSpec) -> Iterable[Problem]:
    catalogue = spec.member_roles.catalogue
    for group_name, group in spec.management_baseline.groups.items():
        for index, grant in enumerate(group.may_assume):
            loc = ("management_baseline", "groups", group_name, "may_assume", index, "role")
            if grant.role == ACCESS_ROLE:
                continue
            if grant.role not in catalogue:
                known = ", ".join(sorted(catalogue)) or "none"
                yield Problem(loc, f"role '{grant.role}' is not in member_roles.catalogue (declared: {known}), so no account has it")
                continue
            targets = catalogue[grant.role].targets
            missing = [ou for ou in grant.ous if not any(_covers(t, ou) for t in targets)]
            if missing:
                yield Problem(
                    loc,
                    f"{group_name} may assume {grant.role} in {', '.join(missing)}, but {grant.role} is deployed only to"
                    f" {', '.join(targets)}; narrow the grant or widen the role's targets",
                )


def role_inline_policies_fit(spec: OrgSpec) -> Iterable[Problem]:
    for name, role in spec.member_roles.catalogue.items():
        size = sum(len(document.minified) for document in role.inline_policies)
        if size > limits.ROLE_INLINE_POLICIES_MAX:
            yield Problem(
                ("member_roles", "catalogue", name, "inline_policies"),
                f"{size} characters of inline policies minified; IAM allows {limits.ROLE_INLINE_POLICIES_MAX}"
                " per role: move some into managed policies",
            )


RULES: tuple[Rule, ...] = (
    account_emails_unique,
    account_names_unique,
    ous_listed_once,
    policies_fit,
    attachments_per_target,
    logical_ids_distinct,
    grants_match_deployed_roles,
    role_inline_policies_fit,
)


def check(spec: OrgSpec) -> list[Problem]:
    return [problem for rule in RULES for problem in rule(spec)]
