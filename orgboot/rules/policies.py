"""Organization policies, written or packed from guardrails: sizes and attachments per target, as
AWS limits them by type."""

from collections.abc import Iterator

from orgboot.analysis.budgets import budgets
from orgboot.aws.policy_types import POLICY_TYPES
from orgboot.policy.guardrails.packing import PACK_PREFIX
from orgboot.spec import OrgSpec, Problem


def policies_fit(spec: OrgSpec) -> Iterator[Problem]:
    for key, policy in spec.organization_policies.items():
        limit = POLICY_TYPES[policy.type].max_chars
        size = len(policy.document.minified)
        if size > limit:
            yield Problem(
                spec.document_loc(key),
                f"'{policy.document.path}' is {size} characters minified; a {policy.type} may have at most {limit}",
            )


def attachments_per_target(spec: OrgSpec) -> Iterator[Problem]:
    for budget in budgets(spec):
        keys = budget.attached
        if budget.used > budget.allowed:
            default = f" besides {budget.default_policy}, which AWS keeps attached" if budget.default_policy else ""
            packed = (
                "; guardrails with the same targets share a document, so giving them the same targets packs them tighter"
                if any(key.startswith(PACK_PREFIX) for key in keys)
                else ""
            )
            yield Problem(
                (*spec.policy_loc(keys[budget.own_allowed]), "targets"),
                f"{len(keys)} {budget.policy_type} policies target '{budget.target}' ({', '.join(keys)});"
                f" at most {budget.own_allowed} may{default}{packed}",
            )


def policy_keys_not_reserved(spec: OrgSpec) -> Iterator[Problem]:
    for key in spec.policies:
        if key.startswith(PACK_PREFIX):
            yield Problem(
                ("policies", key), f"policy keys starting with '{PACK_PREFIX}' name orgboot's guardrail documents; rename '{key}'"
            )
