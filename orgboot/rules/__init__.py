"""Rules that relate several entries of the spec (uniqueness, counts, sizes), one family per
module. Each rule is one small generator of Problems with a message that says what would be
right; RULES lists them all. `load_spec` is the whole check: the schema, then every rule."""

from collections.abc import Callable, Iterable
from pathlib import Path

from orgboot.rules.accounts import account_emails_unique, account_names_unique
from orgboot.rules.documents import documents_are_valid_policies, inline_policy_names_distinct
from orgboot.rules.groups import group_inline_policies_fit
from orgboot.rules.lockout import no_lockout
from orgboot.rules.logical_ids import logical_ids_distinct
from orgboot.rules.member_roles import grants_within_role_targets, role_inline_policies_fit
from orgboot.rules.organizational_units import ous_listed_once
from orgboot.rules.policies import attachments_per_target, policies_fit
from orgboot.rules.stacks import policies_target_ous_when_accounts_are_spread, stacks_fit
from orgboot.spec import OrgSpec, Problem, SpecError
from orgboot.spec.loading import read_spec

Rule = Callable[[OrgSpec], Iterable[Problem]]

RULES: tuple[Rule, ...] = (
    account_emails_unique,
    account_names_unique,
    ous_listed_once,
    policies_fit,
    attachments_per_target,
    logical_ids_distinct,
    grants_within_role_targets,
    role_inline_policies_fit,
    group_inline_policies_fit,
    documents_are_valid_policies,
    inline_policy_names_distinct,
    no_lockout,
    stacks_fit,
    policies_target_ous_when_accounts_are_spread,
)


def check(spec: OrgSpec) -> list[Problem]:
    return [problem for rule in RULES for problem in rule(spec)]


def load_spec(path: str | Path) -> OrgSpec:
    """Read org.yaml and check it whole. Raises SpecError with every problem, each located."""
    read = read_spec(path)
    located = read.located_problems()
    if read.spec is not None:
        located += [read.locate(problem) for problem in check(read.spec)]
    if located:
        raise SpecError(located)
    assert read.spec is not None
    return read.spec
