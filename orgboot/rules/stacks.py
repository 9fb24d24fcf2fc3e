"""Stacks: what fits in one CloudFormation stack (500 resources, CloudFormation quotas), and what
the layout of accounts over stacks (orgboot/spec/layout.py) allows."""

import json
from collections import Counter
from collections.abc import Iterator

from orgboot.aws.cis_monitoring import CONTROLS as CIS_CONTROLS
from orgboot.aws.quotas import (
    CUSTOM_RESOURCE_RESPONSE_MAX,
    LONGEST_OU_ID,
    STACK_OUTPUTS_MAX,
    STACK_PARAMETERS_MAX,
    STACK_RESOURCES_MAX,
    TEMPLATE_SIZE_MAX,
)
from orgboot.spec import ROOT, ManagementBaseline, OrgSpec, Problem, layout, logical_ids
from orgboot.spec.contacts import AlternateContacts
from orgboot.spec.layout import (
    ACCOUNTS_PER_STACK_MAX,
    ORGANIZATION_STACK,
    account_stack,
    organization_stack_resources,
    ou_lookup_group,
    suggested_account_stacks,
)


def stacks_fit(spec: OrgSpec) -> Iterator[Problem]:
    account_stacks = spec.organization.account_stacks
    accounts = len(spec.accounts) if account_stacks is None else 0
    in_organization_stack = organization_stack_resources(len(spec.ou_paths), len(spec.organization_policies), accounts)
    if in_organization_stack > ACCOUNTS_PER_STACK_MAX:
        suggestion = suggested_account_stacks(len(spec.accounts))
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
    (OUs first, then accounts): a policy cannot name an account's ID, unless the spec gives it
    (an adopted account's account_id)."""
    if spec.organization.account_stacks is None:
        return
    entries = [(("policies", k), p.targets) for k, p in spec.policies.items()] + [
        (("guardrails", k), use.targets) for k, use in spec.guardrails.items()
    ]
    for loc, targets in entries:
        for index, target in enumerate(targets):
            if target in spec.accounts and target not in spec.known_account_ids:
                yield Problem(
                    (*loc, "targets", index),
                    f"account '{target}' cannot be a target while organization.account_stacks spreads the accounts over"
                    " stacks of their own, unless its account_id is given; target its OU, or an OU of its own",
                )


# What a lookup's answer holds besides its Data (constructs/functions/look_up_ous.py; CloudFormation
# User Guide, "Custom resource response objects"): status, a reason, the stack ID, request ID,
# logical ID and physical ID, each at its longest, with the JSON around them.
_ANSWER_OVERHEAD = 700


def ou_lookups_fit(spec: OrgSpec) -> Iterator[Problem]:
    """Each accounts stack reads its OUs' IDs in lookups whose answers CloudFormation caps at 4,096
    bytes; an answer gives, per OU, its attribute name and an ID of up to 68 characters. OUs are
    grouped and named by their identity, as constructs/ou_lookup.py does."""
    account_stacks = spec.organization.account_stacks
    if account_stacks is None:
        return
    paths: dict[tuple[str, int], set[str]] = {}
    for key, account in spec.accounts.items():
        identity = spec.target_identity(account.ou)
        paths.setdefault((account_stack(key, account_stacks), ou_lookup_group(identity)), set()).add(identity)
    for (stack, group), group_paths in sorted(paths.items()):
        size = _ANSWER_OVERHEAD + sum(len(f'"{logical_ids.ou(identity)}":"{LONGEST_OU_ID}",') for identity in group_paths)
        if size > CUSTOM_RESOURCE_RESPONSE_MAX:
            yield Problem(
                ("organization", "account_stacks"),
                f"{stack} reads {len(group_paths)} OU IDs in one lookup (group {group}), whose answer could reach {size} bytes;"
                f" CloudFormation accepts {CUSTOM_RESOURCE_RESPONSE_MAX}. More account stacks spread the OUs thinner",
            )


# Upper bounds of what each stack's template holds, from what the spec declares, so that validate
# refuses what `cdk synth` or CloudFormation would, with a line (tests/rules/test_stack_bounds.py
# holds each bound above the synthesized templates of specs of many sizes).
_BASELINE_RESOURCES = 32  # the alias, password policy, billing, trail, support role and their helpers
# The trail's log store (management_baseline.organization_trail): its KMS key, the access-log bucket
# and that bucket's policy here, or, with log_archive, the StackSet that puts them in the log archive
# account, the StackSets trusted access it needs and that call's policy.
_TRAIL_LOG_STORE_RESOURCES = 3
# CIS monitoring (management_baseline.organization_trail.cis_monitoring): the trail's log group, the
# role CloudTrail writes there with, the security topic and its policy, and a metric filter and an
# alarm per control, beside one subscription per notify address, and the break-glass path's filter
# and alarm where the baseline has break-glass grants.
_CIS_MONITORING_RESOURCES = 4 + 2 * len(CIS_CONTROLS)
_BREAK_GLASS_ALARM_RESOURCES = 2
# Alternate contacts (security_baseline.alternate_contacts), in each stack that sets some: the
# function, its role, the role's policy, its log group and the custom resource.
_ALTERNATE_CONTACTS_RESOURCES = 5
_MEMBER_ROLES_RESOURCES = 9  # trusted access and its helpers, the deployed spec's record, beside one StackSet per role
_TEMPLATE_BASE, _PER_OU, _PER_ACCOUNT = 40_000, 1_500, 1_200  # bytes, as the CDK writes templates
_PER_POLICY, _PER_TARGET = 600, 120
# Alternate contacts in OrganizationStack: the function (its code inline), its helpers, Account
# Management's trusted access; each contact set the accounts share, and each account's ID in the list.
_CONTACTS_BASE, _PER_CONTACT_SET, _PER_CONTACTS_ACCOUNT = 14_000, 800, 150


def baseline_resources(baseline: ManagementBaseline, contacts: AlternateContacts | None = None) -> int:
    """At most how many resources ManagementBaselineStack holds (with the management account's
    alternate contacts, when `contacts` gives it some)."""
    resources = _BASELINE_RESOURCES + 2 * len(baseline.groups) + len(baseline.users)
    resources += 1 if baseline.admin_role else 0  # one role, its fence inline
    if contacts is not None and contacts.of_management():
        resources += _ALTERNATE_CONTACTS_RESOURCES
    if baseline.organization_trail:
        resources += _TRAIL_LOG_STORE_RESOURCES
    cis_monitoring = baseline.organization_trail.cis_monitoring if baseline.organization_trail else None
    if cis_monitoring:
        resources += _CIS_MONITORING_RESOURCES + len(cis_monitoring.notify)
        resources += _BREAK_GLASS_ALARM_RESOURCES if baseline.break_glass_groups else 0
    return resources


def _with_cis_monitoring(baseline: ManagementBaseline) -> str:
    trail = baseline.organization_trail
    return f" and CIS monitoring's {_CIS_MONITORING_RESOURCES} resources" if trail and trail.cis_monitoring else ""


def organization_template_bytes(spec: OrgSpec) -> int:
    """At most how large OrganizationStack's template is: each resource with its properties and
    dependencies, and each document as the CDK writes it (indented by one space a level, five levels
    deep in the template)."""
    accounts = len(spec.accounts) if spec.organization.account_stacks is None else 0
    policies = sum(
        _written_size(policy.document.content) + _PER_POLICY + _PER_TARGET * len(policy.targets)
        for policy in spec.organization_policies.values()
    )
    return _TEMPLATE_BASE + _PER_OU * len(spec.ou_paths) + _PER_ACCOUNT * accounts + policies + _contacts_bytes(spec)


def _contacts_bytes(spec: OrgSpec) -> int:
    """At most what the member accounts' alternate contacts add to OrganizationStack's template."""
    contacts = spec.security_baseline.alternate_contacts
    if contacts is None or spec.organization.account_stacks is not None:
        return 0
    sets = {tuple(contacts.of_account(key, account.ou).items()) for key, account in spec.accounts.items()}
    if not any(sets):
        return 0
    return _CONTACTS_BASE + _PER_CONTACT_SET * len(sets) + _PER_CONTACTS_ACCOUNT * len(spec.accounts)


def _written_size(document: object) -> int:
    text = json.dumps(document, indent=1)
    return len(text.encode()) + 5 * text.count("\n")


def ous_read_by_other_stacks(spec: OrgSpec) -> set[str]:
    """The OUs whose IDs OrganizationStack publishes as outputs: member roles' targets (their
    StackSets' deployment targets), the OUs of grants with their parents (the organization
    paths in the groups' switch-roles policies) and the security services' delegated
    administrator's OU (their administrator StackSets' deployment target)."""
    ous = {target for role in spec.member_roles.catalogue.values() for target in role.targets if target in spec.ou_paths}
    administrator = spec.security_baseline.delegated_administrator
    if administrator in spec.accounts:
        ous.add(spec.accounts[administrator].ou)
    for group in spec.management_baseline.groups.values():
        for grant in group.grants:
            for ou in grant.ous:
                names = ou.split("/")
                ous |= {"/".join(names[: depth + 1]) for depth in range(len(names))}
    return ous - {ROOT}  # the root's ID is an output of its own


def accounts_read_by_other_stacks(spec: OrgSpec) -> set[str]:
    """The accounts whose IDs the stack that holds them publishes as outputs: the security
    services' delegated administrator, AWS Config's bucket account, the trail's log archive."""
    keys = {spec.security_baseline.delegated_administrator}
    if spec.security_baseline.config is not None:
        keys.add(spec.security_baseline.config.bucket_account)
    trail = spec.management_baseline.organization_trail
    if trail is not None and trail.log_archive is not None:
        keys.add(trail.log_archive.account)
    return {key for key in keys if key is not None}


def templates_fit(spec: OrgSpec) -> Iterator[Problem]:
    size = organization_template_bytes(spec)
    if size > TEMPLATE_SIZE_MAX:
        yield Problem(
            ("policies",),
            f"{ORGANIZATION_STACK}'s template could reach {size:,} bytes with these policies, OUs and accounts;"
            f" CloudFormation accepts {TEMPLATE_SIZE_MAX:,}: fewer or smaller policies, or organization.account_stacks",
        )
    # and the organization's and the root's IDs, and the IDs of the accounts it holds that others read
    accounts = accounts_read_by_other_stacks(spec) if spec.organization.account_stacks is None else set()
    outputs = 2 + len(ous_read_by_other_stacks(spec)) + len(accounts)
    if outputs > STACK_OUTPUTS_MAX:
        yield Problem(
            ("member_roles", "catalogue"),
            f"the member roles' targets and the groups' grants name {outputs - 2} OUs, whose IDs {ORGANIZATION_STACK} passes on"
            f" as {outputs} outputs; CloudFormation allows {STACK_OUTPUTS_MAX} per stack: target parent OUs instead",
        )
    baseline = spec.management_baseline
    resources = baseline_resources(baseline, spec.security_baseline.alternate_contacts)
    if resources > STACK_RESOURCES_MAX:
        yield Problem(
            ("management_baseline", "users"),
            f"{layout.MANAGEMENT_BASELINE_STACK} would hold up to {resources} resources for {len(baseline.groups)} groups and"
            f" {len(baseline.users)} users{_with_cis_monitoring(baseline)}; CloudFormation allows {STACK_RESOURCES_MAX}:"
            " people belong in IAM Identity Center",
        )
    catalogue = spec.member_roles.catalogue
    if _MEMBER_ROLES_RESOURCES + len(catalogue) > STACK_RESOURCES_MAX:
        yield Problem(
            ("member_roles", "catalogue"),
            f"{len(catalogue)} roles are {len(catalogue)} StackSets in MemberRolesStack; CloudFormation allows"
            f" {STACK_RESOURCES_MAX} resources per stack",
        )
    third_parties = [name for name, role in catalogue.items() if role.trust.third_party_account]
    # Each one's external ID, the CDK's BootstrapVersion, and an example's EmulatorOnly.
    if 1 + spec.emulator_only + len(third_parties) > STACK_PARAMETERS_MAX:
        others = "one of them the CDK's" + (" and one EmulatorOnly" if spec.emulator_only else "")
        yield Problem(
            ("member_roles", "catalogue"),
            f"{len(third_parties)} third-party roles take {len(third_parties)} external-ID parameters in MemberRolesStack;"
            f" CloudFormation allows {STACK_PARAMETERS_MAX} per stack, {others}",
        )
