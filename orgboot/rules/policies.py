"""Organization policies: sizes and attachments per target, as AWS limits them by type."""

from collections import defaultdict
from collections.abc import Iterator

from orgboot.aws.policy_types import POLICY_TYPES
from orgboot.spec import OrgSpec, Problem


def policies_fit(spec: OrgSpec) -> Iterator[Problem]:
    for key, policy in spec.policies.items():
        limit = POLICY_TYPES[policy.type].max_chars
        size = len(policy.document.minified)
        if size > limit:
            yield Problem(
                ("policies", key, "document"),
                f"'{policy.document.path}' is {size} characters minified; a {policy.type} may have at most {limit}",
            )


def attachments_per_target(spec: OrgSpec) -> Iterator[Problem]:
    attached: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, policy in spec.policies.items():
        for target in dict.fromkeys(policy.targets):
            attached[(policy.type, target)].append(key)
    for (policy_type, target), keys in attached.items():
        kind = POLICY_TYPES[policy_type]
        allowed = kind.own_per_target
        if len(keys) > allowed:
            default = f" besides {kind.default_policy}, which AWS keeps attached" if kind.default_policy else ""
            yield Problem(
                ("policies", keys[allowed], "targets"),
                f"{len(keys)} {policy_type} policies target '{target}' ({', '.join(keys)}); at most {allowed} may{default}",
            )
