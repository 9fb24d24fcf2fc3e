"""Organization policies, written or packed from guardrails: sizes and attachments per target, as
AWS limits them by type."""

from collections.abc import Iterator

from orgboot.analysis.budgets import budgets
from orgboot.aws.policy_types import POLICY_TYPES
from orgboot.policy.guardrails.packing import PACK_PREFIX, Pack
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
    """A target with more policies of a type than AWS attaches, reported at every entry of org.yaml
    that targets it: any of them may be the one to move, and a report at one only hides the others."""
    packs = {pack.key: pack for pack in spec.guardrail_packs}
    for budget in budgets(spec):
        if budget.used <= budget.allowed:
            continue
        label = POLICY_TYPES[budget.policy_type].label
        noun = f"{label}s" if label.isupper() else f"{label} policies"
        names = ", ".join(_name(key, packs) for key in budget.attached)
        default = f", besides {budget.default_policy}, which AWS keeps attached" if budget.default_policy else ""
        packed = (
            "; guardrails with the same targets share a document, so giving them the same targets packs them tighter"
            if any(key in packs for key in budget.attached)
            else ""
        )
        message = f"{len(budget.attached)} {noun} target '{budget.target}' ({names}); at most {budget.own_allowed} may{default}{packed}"
        for key in budget.attached:
            for entry in packs[key].members if key in packs else (key,):
                section = "guardrails" if key in packs else "policies"
                targets = spec.guardrails[entry].targets if key in packs else spec.policies[entry].targets
                yield Problem((section, entry, "targets", targets.index(budget.target)), message)


def _name(key: str, packs: dict[str, Pack]) -> str:
    """An organization policy as org.yaml names it: its key, or the guardrails packed into it."""
    if key not in packs:
        return key
    members = packs[key].members
    return f"guardrail {members[0]}" if len(members) == 1 else f"guardrails {', '.join(members)} (one document)"


def policy_keys_not_reserved(spec: OrgSpec) -> Iterator[Problem]:
    for key in spec.policies:
        if key.startswith(PACK_PREFIX):
            yield Problem(
                ("policies", key), f"policy keys starting with '{PACK_PREFIX}' name orgboot's guardrail documents; rename '{key}'"
            )
