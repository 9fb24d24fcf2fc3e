"""Stacks: what fits in one CloudFormation stack (500 resources, CloudFormation quotas), and what
the layout of accounts over stacks (orgboot/spec/layout.py) allows."""

import math
from collections import Counter
from collections.abc import Iterator

from orgboot.aws.quotas import CUSTOM_RESOURCE_RESPONSE_MAX, LONGEST_OU_ID, STACK_RESOURCES_MAX
from orgboot.spec import OrgSpec, Problem, logical_ids
from orgboot.spec.layout import ACCOUNTS_PER_STACK_MAX, ORGANIZATION_STACK, account_stack, ou_lookup_group

# Accounts per stack orgboot suggests for a new layout: half the maximum, room to grow.
_SUGGESTED_PER_STACK = ACCOUNTS_PER_STACK_MAX // 2


def stacks_fit(spec: OrgSpec) -> Iterator[Problem]:
    account_stacks = spec.organization.account_stacks
    in_organization_stack = len(spec.ou_paths) + len(spec.organization_policies) + (len(spec.accounts) if account_stacks is None else 0)
    if in_organization_stack > ACCOUNTS_PER_STACK_MAX:
        suggestion = max(1, math.ceil(len(spec.accounts) / _SUGGESTED_PER_STACK))
        advice = (
            f"spread the accounts over stacks of their own: organization.account_stacks: {suggestion} (docs/scale.md)"
            if account_stacks is None
            else "fewer OUs or policies"
        )
        yield Problem(
            ("accounts",) if account_stacks is None else ("organizational_units",),
            f"{ORGANIZATION_STACK} would hold {in_organization_stack} OUs, policies and accounts; CloudFormation allows"
            f" {STACK_RESOURCES_MAX}"
            f" resources per stack and orgboot keeps {ACCOUNTS_PER_STACK_MAX} for room to grow: {advice}",
        )
    if account_stacks is None:
        return
    for stack, count in sorted(Counter(account_stack(key, account_stacks) for key in spec.accounts).items()):
        if count > ACCOUNTS_PER_STACK_MAX:
            yield Problem(
                ("organization", "account_stacks"),
                f"{stack} would hold {count} accounts, more than {ACCOUNTS_PER_STACK_MAX}: more account stacks are needed,"
                " and changing account_stacks moves accounts between stacks: a migration (docs/scale.md)",
            )


def policies_target_ous_when_accounts_are_spread(spec: OrgSpec) -> Iterator[Problem]:
    """With organization.account_stacks, the accounts live in stacks deployed after the policies'
    (OUs first, then accounts): a policy cannot name an account's ID."""
    if spec.organization.account_stacks is None:
        return
    for key, policy in spec.organization_policies.items():
        for index, target in enumerate(policy.targets):
            if target in spec.accounts:
                yield Problem(
                    (*spec.policy_loc(key), "targets", index),
                    f"account '{target}' cannot be a target while organization.account_stacks spreads the accounts over"
                    " stacks of their own; target its OU, or an OU of its own",
                )


# What a lookup's answer holds besides its Data (constructs/functions/look_up_ous.py; CloudFormation
# User Guide, "Custom resource response objects"): status, a reason, the stack ID, request ID,
# logical ID and physical ID, each at its longest, with the JSON around them.
_ANSWER_OVERHEAD = 700


def ou_lookups_fit(spec: OrgSpec) -> Iterator[Problem]:
    """Each accounts stack reads its OUs' IDs in lookups whose answers CloudFormation caps at 4,096
    bytes; an answer gives, per OU, its attribute name and an ID of up to 68 characters."""
    account_stacks = spec.organization.account_stacks
    if account_stacks is None:
        return
    paths: dict[tuple[str, int], set[str]] = {}
    for key, account in spec.accounts.items():
        paths.setdefault((account_stack(key, account_stacks), ou_lookup_group(account.ou)), set()).add(account.ou)
    for (stack, group), group_paths in sorted(paths.items()):
        size = _ANSWER_OVERHEAD + sum(len(f'"{logical_ids.ou(path)}":"{LONGEST_OU_ID}",') for path in group_paths)
        if size > CUSTOM_RESOURCE_RESPONSE_MAX:
            yield Problem(
                ("organization", "account_stacks"),
                f"{stack} reads {len(group_paths)} OU IDs in one lookup (group {group}), whose answer could reach {size} bytes;"
                f" CloudFormation accepts {CUSTOM_RESOURCE_RESPONSE_MAX}. More account stacks spread the OUs thinner",
            )
