"""Which CloudFormation stack holds each account.

A resource's stack is as much its identity as its logical ID: a resource removed from one stack is
deleted (or, retained, orphaned) and one added to another is created anew. For an account that is
an orphan at best, and the new stack's CreateAccount fails on the email in use. So an account's
stack is a pure function of its key and `organization.account_stacks`, never of other accounts:
adding, removing, reordering or moving accounts between OUs never moves another one.

Without `account_stacks` the accounts live in OrganizationStack with the OUs and policies (the
layout of every orgboot before sharding). With it, in OrganizationAccounts01..NN, the shard picked
by a hash of the key. CloudFormation allows 500 resources per stack (quotas.STACK_RESOURCES_MAX);
orgboot keeps each stack to ACCOUNTS_PER_STACK_MAX accounts, leaving room for growth and for the
stack's own resources.
"""

import hashlib
import math

ORGANIZATION_STACK = "OrganizationStack"
MEMBER_ROLES_STACK = "MemberRolesStack"
MANAGEMENT_BASELINE_STACK = "ManagementBaselineStack"
SECURITY_SERVICES_STACK = "SecurityServicesStack"
ACCOUNT_SETTINGS_STACK = "AccountSettingsStack"
# IAM Identity Center (identity_center): the permission sets, then the assignments, in the instance's
# region. Assignments are one resource per (account, group, permission set) and grow with the accounts:
# like the accounts they spread over stacks by a hash of the account key (identity_center.assignment_stacks).
IDENTITY_CENTER_STACK = "IdentityCenterStack"
ASSIGNMENTS_STACK = "IdentityCenterAssignments"
ASSIGNMENT_STACKS_MAX = 99
# Assignments per stack: CloudFormation's 500 resources, less room for the stack's lookups and growth.
ASSIGNMENTS_PER_STACK_MAX = 450
# The stack deployed last (it depends on every other one) keeps the record of the spec a deploy was
# made from, updated only when everything before it succeeded (constructs/deployed_spec.py).
RECORD_STACK = MEMBER_ROLES_STACK
ACCOUNTS_PER_STACK_MAX = 400
# Accounts per stack orgboot suggests for a new layout: half the maximum, room to grow.
SUGGESTED_ACCOUNTS_PER_STACK = ACCOUNTS_PER_STACK_MAX // 2
ACCOUNT_STACKS_MAX = 99
# OU IDs reach the account stacks through lookups (constructs/ou_lookup.py), in this many groups
# picked by a hash of the OU path: each answer must fit CloudFormation's 4,096 bytes.
OU_LOOKUP_GROUPS = 16


def organization_stack_resources(ous: int, policies: int, accounts: int) -> int:
    """OUs, policies and accounts OrganizationStack holds (accounts: those not spread over stacks)."""
    return ous + policies + accounts


def needs_account_stacks(ous: int, policies: int, accounts: int) -> bool:
    return organization_stack_resources(ous, policies, accounts) > ACCOUNTS_PER_STACK_MAX


def suggested_account_stacks(accounts: int) -> int:
    return max(1, math.ceil(accounts / SUGGESTED_ACCOUNTS_PER_STACK))


def _bucket(text: str, buckets: int) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") % buckets


def account_stack(key: str, account_stacks: int | None) -> str:
    if account_stacks is None:
        return ORGANIZATION_STACK
    return f"OrganizationAccounts{_bucket(key, account_stacks) + 1:02d}"


def account_stack_names(account_stacks: int | None) -> list[str]:
    """The stacks that hold accounts, in deployment order."""
    if account_stacks is None:
        return [ORGANIZATION_STACK]
    return [f"OrganizationAccounts{index:02d}" for index in range(1, account_stacks + 1)]


def ou_lookup_group(path: str) -> int:
    return _bucket(path, OU_LOOKUP_GROUPS)


def assignment_stack(account_key: str, assignment_stacks: int | None) -> str:
    """The stack that holds the assignments in the account `account_key` (or `management`): a pure
    function of the key, so that adding accounts or assignments never moves another one."""
    if assignment_stacks is None:
        return ASSIGNMENTS_STACK
    return f"{ASSIGNMENTS_STACK}{_bucket(account_key, assignment_stacks) + 1:02d}"


def assignment_stack_names(assignment_stacks: int | None) -> list[str]:
    """The stacks that hold assignments, in deployment order."""
    if assignment_stacks is None:
        return [ASSIGNMENTS_STACK]
    return [f"{ASSIGNMENTS_STACK}{index:02d}" for index in range(1, assignment_stacks + 1)]


def suggested_assignment_stacks(assignments: int) -> int:
    """Stacks for `assignments`, each filled to half the maximum: room to grow, as for accounts."""
    return max(1, math.ceil(assignments / (ASSIGNMENTS_PER_STACK_MAX // 2)))
