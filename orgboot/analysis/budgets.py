"""Each target's budget of organization policies: how many of each type are attached (AWS's default
policy included, as AWS counts it, where it is attached: not where org.yaml says FullAWSAccess was
detached) against the per-target limit, and the largest attached document against the type's size
limit. Written policies and guardrail documents alike. A budget is near its limit from NEAR of
either: the share where one more policy, or a longer statement, starts to need a plan."""

from collections import defaultdict
from dataclasses import dataclass

from orgboot.aws.policy_types import POLICY_TYPES
from orgboot.spec import ROOT, OrgSpec

NEAR = 0.8  # of AWS's count per target or of the type's document size


@dataclass(frozen=True)
class Budget:
    target: str
    policy_type: str
    attached: tuple[str, ...]  # ours, by key
    largest: int  # characters of the largest of ours, minified
    default_detached: bool = False  # AWS's default policy of the type is not attached here (organization.full_aws_access_detached)

    @property
    def default_policy(self) -> str | None:
        """AWS's policy of the type attached here beside ours (FullAWSAccess, RCPFullAWSAccess), if any."""
        return None if self.default_detached else POLICY_TYPES[self.policy_type].default_policy

    @property
    def used(self) -> int:
        return len(self.attached) + (1 if self.default_policy else 0)

    @property
    def own_allowed(self) -> int:
        """How many of ours fit here beside AWS's default policy, where it is attached."""
        return self.allowed - (1 if self.default_policy else 0)

    @property
    def allowed(self) -> int:
        return POLICY_TYPES[self.policy_type].max_per_target

    @property
    def max_chars(self) -> int:
        return POLICY_TYPES[self.policy_type].max_chars

    @property
    def count_share(self) -> float:
        return self.used / self.allowed

    @property
    def size_share(self) -> float:
        return self.largest / self.max_chars

    @property
    def near_limit(self) -> bool:
        return self.count_share >= NEAR or self.size_share >= NEAR


def budgets(spec: OrgSpec) -> list[Budget]:
    """Every target with a policy of ours, in the order of the tree (root, OUs, accounts)."""
    attached: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, policy in spec.organization_policies.items():
        for target in dict.fromkeys(policy.targets):
            attached[(target, policy.type)].append(key)
    order = {target: index for index, target in enumerate((ROOT, *spec.ou_paths, *spec.accounts))}
    types = list(POLICY_TYPES)
    detached = set(spec.organization.full_aws_access_detached)  # FullAWSAccess: SCPs only
    return [
        Budget(
            target,
            policy_type,
            tuple(keys),
            max(len(spec.organization_policies[k].document.minified) for k in keys),
            default_detached=policy_type == "SERVICE_CONTROL_POLICY" and target in detached,
        )
        for (target, policy_type), keys in sorted(attached.items(), key=lambda item: (order.get(item[0][0], 0), types.index(item[0][1])))
    ]


def fullest(budgets: list[Budget]) -> Budget | None:
    """The budget that uses most of its count per target (the first in the tree on a tie)."""
    return max(budgets, key=lambda budget: budget.count_share, default=None)


def largest_document(budgets: list[Budget]) -> Budget | None:
    """The budget whose largest document comes nearest its type's size limit."""
    return max(budgets, key=lambda budget: budget.size_share, default=None)
