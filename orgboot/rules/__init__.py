"""Rules that relate several entries of the spec (uniqueness, counts, sizes), one family per
module. Each rule is one small generator of Problems with a message that says what would be
right; RULES lists them all. `load_spec` is the whole check: the schema, then every rule."""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from orgboot.rules.access import grants_leave_something
from orgboot.rules.account_settings import (
    account_settings_allowed_in_regions,
    account_settings_have_what_they_need,
    settings_leave_a_region_before_its_guardrail,
)
from orgboot.rules.accounts import (
    account_emails_deliverable,
    account_emails_unique,
    account_names_unique,
    accounts_within_default_quota,
    released_accounts_undeclared,
)
from orgboot.rules.administrators import groups_hold_no_full_admin, management_roles_named_apart
from orgboot.rules.adoption import (
    account_ids_unique,
    detached_full_access_replaced,
    names_not_taken,
    unmanaged_accounts_distinct,
    unmanaged_policy_types_left_alone,
)
from orgboot.rules.changes import (
    Refused,
    account_identities_unchanged,
    accounts_leave_only_when_released,
    accounts_stay_in_their_stacks,
    emails_and_keys_not_reused,
    ou_identities_kept,
    ous_emptied_before_they_go,
    ous_holding_something_stay,
    ous_holding_spread_accounts_stay,
    ous_referenced_later_stay,
)
from orgboot.rules.documents import documents_are_valid_policies, inline_policy_names_distinct, organization_policies_follow_advice
from orgboot.rules.exemptions import exempted_roles_protected, exemptions_name_known_roles
from orgboot.rules.groups import (
    access_role_only_by_break_glass,
    group_inline_policies_fit,
    group_managed_policies_fit,
    users_keep_every_grant,
)
from orgboot.rules.identity_center import (
    assignment_stacks_fit,
    assignments_reach_accounts,
    assignments_stay_in_their_stacks,
    exempt_permission_sets_name_one_set,
    permission_set_inline_policies_fit,
    permission_set_managed_policies_fit,
    permission_set_managed_policies_within_default_quota,
    permission_sets_assigned,
    permission_sets_fit,
    permission_sets_outlive_their_assignments,
    permission_sets_per_account_within_quota,
)
from orgboot.rules.lockout import no_lockout
from orgboot.rules.logical_ids import logical_ids_distinct
from orgboot.rules.member_roles import grants_within_role_targets, role_inline_policies_fit, role_managed_policies_fit
from orgboot.rules.organizational_units import ou_identities_distinct, ous_listed_once, sibling_names_differ_beyond_case
from orgboot.rules.policies import attachments_per_target, policies_fit, policy_keys_not_reserved
from orgboot.rules.security_services import (
    administrator_kept_while_services_run,
    administrator_may_work_in_regions,
    security_hub_home_among_regions,
    services_have_an_administrator,
    services_have_regions,
)
from orgboot.rules.stacks import ou_lookups_fit, policies_target_ous_when_accounts_are_spread, stacks_fit, templates_fit
from orgboot.rules.trail import log_archive_region_allowed
from orgboot.spec import LocatedProblem, OrgSpec, Problem, SpecError
from orgboot.spec.loading import ReadSpec, read_spec

Rule = Callable[[OrgSpec], Iterable[Problem]]
ChangeRule = Callable[[OrgSpec, OrgSpec], Iterable[Problem]]

RULES: tuple[Rule, ...] = (
    account_emails_unique,
    account_emails_deliverable,
    account_names_unique,
    released_accounts_undeclared,
    ous_listed_once,
    sibling_names_differ_beyond_case,
    ou_identities_distinct,
    policies_fit,
    attachments_per_target,
    policy_keys_not_reserved,
    logical_ids_distinct,
    grants_within_role_targets,
    role_inline_policies_fit,
    role_managed_policies_fit,
    group_inline_policies_fit,
    group_managed_policies_fit,
    users_keep_every_grant,
    access_role_only_by_break_glass,
    management_roles_named_apart,
    documents_are_valid_policies,
    inline_policy_names_distinct,
    no_lockout,
    exempted_roles_protected,
    stacks_fit,
    ou_lookups_fit,
    templates_fit,
    policies_target_ous_when_accounts_are_spread,
    unmanaged_accounts_distinct,
    account_ids_unique,
    unmanaged_policy_types_left_alone,
    detached_full_access_replaced,
    names_not_taken,
    services_have_an_administrator,
    services_have_regions,
    security_hub_home_among_regions,
    administrator_may_work_in_regions,
    account_settings_have_what_they_need,
    account_settings_allowed_in_regions,
    log_archive_region_allowed,
    permission_set_inline_policies_fit,
    permission_set_managed_policies_fit,
    permission_sets_fit,
    assignment_stacks_fit,
)


# Rules whose findings are warnings: what AWS refuses or accepts depending on what the spec cannot
# know (a quota raised on request). validate prints them and passes.
WARNING_RULES: tuple[Rule, ...] = (
    accounts_within_default_quota,
    organization_policies_follow_advice,
    grants_leave_something,  # a grant the organization policies leave (next to) nothing of
    exemptions_name_known_roles,
    groups_hold_no_full_admin,  # CIS 1.15: administrators assume admin_role instead
    permission_set_managed_policies_within_default_quota,  # IAM's 10 per role, raised on request
    permission_sets_per_account_within_quota,
    permission_sets_assigned,  # a permission set nobody gets
    assignments_reach_accounts,  # an assignment that reaches no account (yet)
    exempt_permission_sets_name_one_set,  # Admin's pattern matches Admin_Old's roles
)


def check(spec: OrgSpec) -> list[Problem]:
    return [problem for rule in RULES for problem in rule(spec)]


def load_spec(path: str | Path) -> OrgSpec:
    """Read org.yaml and check it whole. Raises SpecError with every problem, each located."""
    spec, _ = _checked(path)
    return spec


def findings(path: str | Path) -> tuple[ReadSpec, list[LocatedProblem]]:
    """Read org.yaml and check it whole; the spec read may be partial (a broken entry's bad leaf
    removed) where there are problems. Raises SpecError only when nothing could be read."""
    read = read_spec(path)
    located = read.located_problems()
    if read.spec is not None:
        located += [read.locate(problem) for problem in check(read.spec)]
    return read, located


def warnings(path: str | Path, spec: OrgSpec) -> list[LocatedProblem]:
    """What WARNING_RULES find in `spec`, read from `path` (a valid spec), each at its place in the file."""
    found = [problem for rule in WARNING_RULES for problem in rule(spec)]
    if not found:
        return []
    read = read_spec(path)  # where each is written: read again only when there is something to say
    return [read.locate(problem) for problem in found]


def _checked(path: str | Path) -> tuple[OrgSpec, ReadSpec]:
    read, located = findings(path)
    if located:
        raise SpecError(located)
    assert read.spec is not None
    return read.spec, read


# Rules on a change, (base, head) -> problems, each with the option that accepts it for one run
# (None: nothing can; AWS itself would refuse the change). What an option accepts, org.yaml's
# acknowledged_changes accepts too, change by change (rules/changes.py Refused, acknowledgements.REFUSED).
CHANGE_RULES: tuple[tuple[ChangeRule, str | None], ...] = (
    (accounts_leave_only_when_released, None),  # released_accounts says it, in the spec
    (account_identities_unchanged, None),
    (emails_and_keys_not_reused, "allow_imports"),
    (accounts_stay_in_their_stacks, "allow_account_moves"),
    (assignments_stay_in_their_stacks, "allow_account_moves"),
    (permission_sets_outlive_their_assignments, None),
    (ous_holding_something_stay, "allow_ou_replacement"),
    (ous_referenced_later_stay, "allow_ou_replacement"),
    (ous_holding_spread_accounts_stay, None),
    (ous_emptied_before_they_go, None),
    (ou_identities_kept, None),
    (administrator_kept_while_services_run, None),
    (settings_leave_a_region_before_its_guardrail, None),
)
ACKNOWLEDGEMENTS = tuple(dict.fromkeys(option for _, option in CHANGE_RULES if option))  # one option may accept several rules


class ChangeProblem(NamedTuple):
    """What a change rule found: the problem, the option that accepted it or would (None: none can,
    or org.yaml accepted it), whether it is accepted, and the ID that acknowledges it in org.yaml."""

    problem: LocatedProblem
    option: str | None
    accepted: bool
    change_id: str | None


def load_change(path: str | Path, base: str | Path, acknowledged: Iterable[str] = ()) -> tuple[OrgSpec, list[LocatedProblem]]:
    """The spec at `path`, checked whole and as a change from the spec at `base` (a valid spec).
    `acknowledged` are the options given (allow_ou_replacement...); the spec's acknowledged_changes
    count too. Returns the spec and the problems acknowledged; raises SpecError with the others."""
    spec, read = _checked(path)
    try:
        base_spec = read_base(base)
    except SpecError as error:
        raise SpecError([LocatedProblem(str(path), 1, "", f"--base: {error.problems[0].message}")]) from None
    found = change_problems(base_spec, spec, read, acknowledged)
    if refused := [each.problem for each in found if not each.accepted]:
        raise SpecError(refused)
    return spec, [each.problem for each in found if each.accepted]


def read_base(base: str | Path) -> OrgSpec:
    """The spec a change is from: only its schema is checked. It is what was deployed, under
    whatever rules held then (an organization too large for one stack is exactly what a migration
    starts from). Raises SpecError naming its first problem."""
    try:
        base_read = read_spec(base)
        if base_read.spec is None or (base_problems := base_read.located_problems()):
            raise SpecError(base_problems or [LocatedProblem(str(base), 1, "", "nothing could be read")])
        return base_read.spec
    except SpecError as error:
        first = error.problems[0]
        message = (
            f"the base does not validate ({len(error.problems)} problem{'s' if len(error.problems) > 1 else ''};"
            f" first: {first.file}:{first.line}: {first.key}: {first.message})"
        )
        raise SpecError([LocatedProblem(str(base), first.line, first.key, message)]) from None


def change_problems(base: OrgSpec, head: OrgSpec, read: ReadSpec, options: Iterable[str] = ()) -> list[ChangeProblem]:
    """What the change rules find in the change from `base` to `head` (read from `read`): each
    refused unless its option is among `options` or its ID is in head's acknowledged_changes."""
    given = set(options)
    found: list[ChangeProblem] = []
    for rule, option in CHANGE_RULES:
        for problem in rule(base, head):
            if not isinstance(problem, Refused):
                found.append(ChangeProblem(read.locate(problem), option, option is not None and option in given, None))
            elif problem.change_id in head.acknowledged_changes:
                reason = head.acknowledged_changes[problem.change_id]
                found.append(ChangeProblem(read.locate(problem.acknowledged(reason)), None, True, problem.change_id))
            else:
                accepted = problem.option in given
                found.append(
                    ChangeProblem(read.locate(problem if accepted else problem.refused()), problem.option, accepted, problem.change_id)
                )
    return found
