"""Rules on a change: the spec against its base (what is deployed, or the branch a pull request
merges into). Only a comparison can see these: each spec alone is valid."""

from collections.abc import Iterator
from dataclasses import dataclass

from orgboot.aws.organizations import ACCESS_ROLE
from orgboot.spec import OrgSpec, Problem, layout, parent_of
from orgboot.spec.acknowledgements import REFUSED, change_id
from orgboot.spec.layout import account_stack


@dataclass(frozen=True)
class Refused(Problem):
    """A change refused unless acknowledged: by its ID in org.yaml's acknowledged_changes (a pull
    request carries it, with the reason), or for one run by the command-line option of its kind
    (acknowledgements.REFUSED). The message says what is wrong; `refused` and `acknowledged` end it."""

    change_id: str = ""

    @property
    def option(self) -> str:
        return REFUSED[self.change_id.partition(":")[0]][1]

    def refused(self) -> Problem:
        """The problem as refused: ending with the exact entry that acknowledges it."""
        flag = "--" + self.option.replace("_", "-")
        return Problem(
            self.loc,
            f"{self.message} If you mean it, acknowledge it in org.yaml with the reason:"
            f" `acknowledged_changes: {{{self.change_id}: <why>}}` (or for one run: {flag})",
        )

    def acknowledged(self, reason: str) -> Problem:
        return Problem(self.loc, f"{self.message} Acknowledged in org.yaml ({self.change_id}): {reason or 'no reason given'}")


def accounts_stay_in_their_stacks(base: OrgSpec, head: OrgSpec) -> Iterator[Problem]:
    """A resource cannot move between stacks: the old stack lets the account go (retained, no
    longer managed) and the new stack's CreateAccount fails, the email being taken. Changing
    organization.account_stacks moves accounts; docs/scale.md says how to migrate."""
    before, after = base.organization.account_stacks, head.organization.account_stacks
    moved = sorted(key for key in base.accounts.keys() & head.accounts.keys() if account_stack(key, before) != account_stack(key, after))
    if moved:
        shown = _some([f"{key} ({account_stack(key, before)} -> {account_stack(key, after)})" for key in moved], 5)
        subject = f"{before or 'none'}->{after or 'none'}"
        yield Refused(
            ("organization", "account_stacks"),
            f"changing account_stacks from {before or 'none'} to {after or 'none'} moves {len(moved)} accounts to another stack:"
            f" {shown}. CloudFormation would leave them unmanaged in the old stack and fail to create them in the new"
            f" one (the email is taken). Migrate them as docs/scale.md says.",
            change_id=change_id("account-stacks-changed", subject),
        )


def accounts_leave_only_when_released(base: OrgSpec, head: OrgSpec) -> Iterator[Problem]:
    """An account gone from org.yaml is gone from its stack: CloudFormation deletes the resource,
    which DeletionPolicy Retain turns into letting go (the account stays open, unmanaged). Only
    intended when said: released_accounts."""
    for key in sorted(base.accounts.keys() - head.accounts.keys() - set(head.released_accounts)):
        yield Problem(
            ("accounts",),
            f"account '{key}' ({base.accounts[key].name}) is no longer declared: CloudFormation would remove it from its stack."
            " The account stays open in the organization (Retain) but nothing manages it any more. To stop managing it, list"
            " it under released_accounts; to keep it, put it back",
        )


def account_identities_unchanged(base: OrgSpec, head: OrgSpec) -> Iterator[Problem]:
    """AWS::Organizations::Account cannot change AccountName, Email or RoleName: the update fails,
    and so does its rollback (UPDATE_ROLLBACK_FAILED). Only the root user changes name and email."""
    for key in sorted(base.accounts.keys() & head.accounts.keys()):
        before, after = base.accounts[key], head.accounts[key]
        for field in ("name", "email", "role_name"):
            old, new = getattr(before, field), getattr(after, field)
            if old != new:
                shown = repr(old) if old is not None else f"not given ({ACCESS_ROLE})"
                yield Problem(
                    ("accounts", key, field),
                    f"was {shown}: CloudFormation cannot change an account's name, email or role name (the update fails, and"
                    " so does its rollback); the account's root user changes name and email in the console. Keep the value",
                )


def ous_holding_something_stay(base: OrgSpec, head: OrgSpec) -> Iterator[Problem]:
    """An OU's identity (its path, unless it has a key: spec/fields.py ou_identities) names its
    resource. Renaming it keeps the identity when the key keeps it: an update of its Name in place.
    Moving it to another parent, or renaming it without a key, makes a new identity: CloudFormation
    creates a new OU, moves what it held and deletes the old one (ParentId is create-only: the
    provider schema's createOnlyProperties, aws-organizations-organizationalunit.json as cfn-lint
    ships it). Meanwhile its accounts run under neither OU's policies until the update re-attaches
    them, and a nested OU is replaced in turn. What the stacks deployed after OrganizationStack
    still target is said too (ous_referenced_later_stay)."""
    for gone in _gone_ous(base, head):
        if gone.moved_accounts and head.organization.account_stacks is not None:
            continue  # ous_holding_spread_accounts_stay refuses it outright
        if held := [f"account '{key}'" for key in gone.moved_accounts] + [f"OU '{child}'" for child in gone.ous]:
            yield Refused(
                ("organizational_units",),
                f"OU '{gone.path}' is gone but held {_some(held)}: moving an OU to another parent, or renaming it without a key,"
                " makes CloudFormation create a new one, move its accounts and OUs, and delete the old one; until the policies"
                f" follow, those accounts run without the OU's SCPs.{_later_users(gone.path, base)}{_rename_in_place(gone, base, head)}"
                " To avoid the interval, first move its accounts to an OU that stays and deploy, then move or remove the OU.",
                change_id=change_id("ou-replaced", gone.path),
            )


def _rename_in_place(gone: "_GoneOu", base: OrgSpec, head: OrgSpec) -> str:
    """When the change looks like a rename (a new OU under the same parent, the one the gone OU's
    accounts went to or the only one), the entry that renames it in place instead."""
    parent_identity = base.ou_identities[gone.path].rpartition("/")[0]
    new = [
        path
        for path in head.ou_paths
        if head.ou_identities[path] not in base.ou_identities.values() and head.ou_identities[path].rpartition("/")[0] == parent_identity
    ]
    went = {head.accounts[key].ou for key in gone.moved_accounts}
    candidates = [path for path in new if path in went] if len(went) == 1 else new
    if len(candidates) != 1:
        return ""
    key = base.ou_identities[gone.path].rpartition("/")[2]
    return (
        f" To rename it in place instead (the same OU, its policies and accounts staying), give the new entry the old"
        f" identity as its key: `- {candidates[0]}: {{key: {key}}}`."
    )


def ous_holding_spread_accounts_stay(base: OrgSpec, head: OrgSpec) -> Iterator[Problem]:
    """With accounts in stacks of their own, OrganizationStack deploys (and tries to delete the
    old OU) before the accounts move: the delete fails (OrganizationalUnitNotEmptyException),
    CloudFormation leaves the old OU behind, and its accounts run without the OU's policies for
    the whole deploy. Two deploys do it safely."""
    if head.organization.account_stacks is None:
        return
    for gone in _gone_ous(base, head):
        if accounts := gone.moved_accounts:
            yield Problem(
                ("organizational_units",),
                f"OU '{gone.path}' is gone but holds {len(accounts)} accounts ({_some(accounts)}) that live in stacks deployed"
                " after the OU's: CloudFormation would try to delete the OU while they are still in it. First move the"
                " accounts to an OU that stays and deploy, then remove or move the OU (renaming it with a key keeps it)",
            )


def ous_emptied_before_they_go(base: OrgSpec, head: OrgSpec) -> Iterator[Problem]:
    """AWS deletes only an empty OU (DeleteOrganizationalUnit: OrganizationalUnitNotEmptyException,
    Organizations API Reference; the emulator refuses it too). An account released in the same
    change stays where it is (DeletionPolicy Retain), and an account orgboot does not manage is
    not moved by anything: the OU that holds either cannot go. No option accepts it."""
    for gone in _gone_ous(base, head):
        staying = [f"account '{key}' (released: it stays where it is)" for key in gone.released_accounts]
        staying += [f"account '{key}' (unmanaged: orgboot never moves it)" for key in gone.unmanaged_accounts]
        if staying:
            yield Problem(
                ("organizational_units",),
                f"OU '{gone.path}' is gone but still holds {_some(staying)} after this change: AWS deletes only an empty OU"
                " (OrganizationalUnitNotEmptyException), so the deploy cannot remove it. First move the account to an OU"
                " that stays (with its account key declared, or in AWS for an unmanaged one) and deploy, then remove the OU",
            )


def ous_referenced_later_stay(base: OrgSpec, head: OrgSpec) -> Iterator[Problem]:
    """OrganizationStack deploys first and deletes an OU gone from org.yaml in its cleanup, before
    the stacks deployed after it update. Those read the OU's ID from OrganizationStack's outputs
    by weak reference (Fn::GetStackOutput: cdk.json sets @aws-cdk/core:defaultCrossStackReferences
    weak), which nothing protects: "If the referenced stack or output is later deleted or modified,
    the consuming stack is not automatically updated or notified" (CloudFormation Template
    Reference, Fn::GetStackOutput); "infrastructure in consuming stacks [...] temporarily reference
    a nonexistant resource until the consumers are updated as well" (aws-cdk-lib
    ReferenceStrength.WEAK). So a member role's StackSet keeps targeting the deleted OU and a
    group's grant keeps naming it until their stacks deploy. The head cannot refer to an OU it
    does not declare (spec/references.py): what refers to a gone OU is the base, what is deployed.
    An OU that held accounts or OUs is ous_holding_something_stay's, which says this too; here, the
    OUs that held nothing. An OU renamed in place keeps its ID: nothing to say."""
    for gone in _gone_ous(base, head):
        if gone.moved_accounts or gone.released_accounts or gone.unmanaged_accounts or gone.ous:
            continue
        if users := _later_users(gone.path, base):
            yield Refused(
                ("organizational_units",),
                f"OU '{gone.path}' is gone while what is deployed still refers to it.{users} First remove those references"
                " from org.yaml (or point them at the OU that replaces it) and deploy, then remove the OU.",
                change_id=change_id("ou-replaced", gone.path),
            )


def ou_identities_kept(base: OrgSpec, head: OrgSpec) -> Iterator[Problem]:
    """An OU path of the base that the head gives another identity. Either an OU is renamed in place
    onto it (its identity is another OU's of the base): UpdateOrganizationalUnit runs while the OU
    holding the name is still there (deleted in the cleanup, or renamed in turn), and AWS refuses a
    taken name (DuplicateOrganizationalUnitException). Or a key was added, changed or dropped: a new
    resource named like the old one under the same parent, which CloudFormation creates before it
    deletes the old one, and AWS refuses (CreateOrganizationalUnit:
    DuplicateOrganizationalUnitException). Nothing can accept either."""
    base_path = {identity: path for path, identity in base.ou_identities.items()}
    for path in head.ou_paths:
        before, after = base.ou_identities.get(path), head.ou_identities[path]
        if before is None or before == after:
            continue
        if parent_of(path) in base.ou_identities and base.ou_identities[parent_of(path)] != head.ou_identities[parent_of(path)]:
            continue  # its parent's identity changes, and the parent's own finding says it
        loc = ("organizational_units", head.ou_entry_index(path))
        if (renamed := base_path.get(after)) is not None:
            yield Problem(
                loc,
                f"OU '{renamed}' is renamed to '{path}', a name OU '{path}' holds until this deploy deletes or renames it: AWS"
                " refuses the rename while the name is taken (DuplicateOrganizationalUnitException). Rename in two deploys:"
                " first free the name, then take it",
            )
            continue
        key = before.rpartition("/")[2]
        keep = f"`- {path}: {{key: {key}}}`" if key != path.rpartition("/")[2] else f"`- {path}` (without a key)"
        yield Problem(
            loc,
            f"OU '{path}' keeps its path but its identity changes from '{before}' to '{after}': CloudFormation would create a"
            " second OU of the same name under the same parent, which AWS refuses (DuplicateOrganizationalUnitException)."
            f" An OU's identity is for good: write {keep}",
        )


def _later_users(path: str, base: OrgSpec) -> str:
    """What the base targets at OU `path` from the stacks deployed after OrganizationStack, as a
    sentence of the message (empty when nothing does). An account moved out of a StackSet's target
    OU loses its instance meanwhile ("If an account is removed from a target organization or OU,
    StackSets deletes stack instances from the account": AWS::CloudFormation::StackSet
    AutoDeployment, unless member_roles.rollout.retain_stacks_on_account_removal)."""
    roles = [f"member role '{name}'" for name, role in sorted(base.member_roles.catalogue.items()) if path in role.targets]
    grants = [
        f"the grant of '{grant.role}' to group '{group}'"
        for group, found in sorted(base.management_baseline.groups.items())
        for grant in found.grants
        if path in grant.ous
    ]
    if not roles and not grants:
        return ""
    where = [f"{_some(roles)} ({layout.MEMBER_ROLES_STACK}: its StackSet targets the OU)"] if roles else []
    where += [f"{_some(grants)} ({layout.MANAGEMENT_BASELINE_STACK})"] if grants else []
    stacks = [layout.MEMBER_ROLES_STACK] * bool(roles) + [layout.MANAGEMENT_BASELINE_STACK] * bool(grants)
    meanwhile = [_ROLE_MEANWHILE] * bool(roles) + ["a grant names an OU that is gone"] * bool(grants)
    one = len(stacks) == 1
    weak = "its reference to it is weak and does" if one else "their references to it are weak and do"
    return (
        f" Still using its ID: {' and '.join(where)}. {' and '.join(stacks)} deploy{'s' if one else ''} after"
        f" {layout.ORGANIZATION_STACK}, which deletes the OU first ({weak} not stop the delete), so until"
        f" {'it deploys' if one else 'they deploy'} in turn {', and '.join(meanwhile)}."
    )


_ROLE_MEANWHILE = "a StackSet targets a deleted OU, accounts moved out of it lose the role (auto-deployment removes their instances)"


@dataclass(frozen=True)
class _GoneOu:
    """An OU of the base whose identity is missing from the head, and what it held in the base, by where it goes."""

    path: str
    moved_accounts: list[str]  # account keys the head puts under another OU
    released_accounts: list[str]  # account keys the head releases: they stay in the OU
    unmanaged_accounts: list[str]  # the base's unmanaged accounts in it
    ous: list[str]  # child OU paths


def _gone_ous(base: OrgSpec, head: OrgSpec) -> Iterator[_GoneOu]:
    """The OUs of the base whose identity the head does not have: deleted by the deploy. A rename in
    place keeps the identity (and the accounts in it stay: their OU is the same resource). A path the
    head still declares under another identity is not gone: that deploy cannot happen at all, and
    ou_identities_kept refuses it (whatever it held, the OU stays where it is)."""
    kept = set(head.ou_identities.values())
    for path in base.ou_paths:
        if base.ou_identities[path] not in kept and path not in head.ou_identities:
            held = [key for key, account in sorted(base.accounts.items()) if account.ou == path]
            yield _GoneOu(
                path,
                moved_accounts=[key for key in held if key in head.accounts],
                released_accounts=[key for key in held if key not in head.accounts and key in head.released_accounts],
                unmanaged_accounts=[key for key, account in sorted(base.unmanaged.accounts.items()) if account.ou == path],
                ous=[child for child in base.ou_paths if parent_of(child) == path],
            )


def _some(items: list[str], shown: int = 3) -> str:
    return ", ".join(items[:shown]) + (f" and {len(items) - shown} more" if len(items) > shown else "")


def emails_and_keys_not_reused(base: OrgSpec, head: OrgSpec) -> Iterator[Problem]:
    """A new account resource calls CreateAccount, which refuses an email that belongs to an
    account (EMAIL_ALREADY_EXISTS), released or not. An account orgboot let go of comes back with
    `cdk import`, not by declaring it again."""
    base_emails = {account.email.lower(): key for key, account in base.accounts.items()}
    for key, account in sorted(head.accounts.items()):
        if key in base.accounts:
            continue
        if key in base.released_accounts:
            yield Refused(
                ("accounts", key),
                f"account '{key}' was released; declaring it again would create a new account. Bring the existing one back"
                f" with cdk import (its account ID as identifier).",
                change_id=change_id("account-imported", key),
            )
        elif (owner := base_emails.get(account.email.lower())) is not None:
            yield Refused(
                ("accounts", key, "email"),
                f"'{account.email}' belongs to account '{owner}' of the base: CreateAccount refuses an email that is taken."
                " To manage that account under a new key, release the old key and cdk import the account.",
                change_id=change_id("account-imported", key),
            )
