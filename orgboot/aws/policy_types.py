"""Organization policy types: what org.yaml may declare, with AWS's limits for each.

Sources: AWS Organizations User Guide, "Quotas and service limits for AWS Organizations" (SCP
limits raised on 2026-05-15: 10,240 characters, 10 per target); the AWS::Organizations::Policy
resource reference (Type); "Attaching and detaching ... policies" (FullAWSAccess and
RCPFullAWSAccess stay attached to every root, OU and account and count toward the limit).
"""

from dataclasses import dataclass
from typing import Literal

PolicyTypeName = Literal[
    "SERVICE_CONTROL_POLICY",
    "RESOURCE_CONTROL_POLICY",
    "TAG_POLICY",
    "BACKUP_POLICY",
    "AISERVICES_OPT_OUT_POLICY",
]


@dataclass(frozen=True)
class PolicyType:
    name: str
    label: str  # how people say it in a report
    max_chars: int  # of the minified document: AWS counts every character, whitespace included
    max_per_target: int  # attached to one root, OU or account, the default policy included
    default_policy: str | None  # AWS-managed policy attached to every target once the type is enabled

    @property
    def own_per_target(self) -> int:
        """How many policies of ours fit on one target beside AWS's default policy."""
        return self.max_per_target - (1 if self.default_policy else 0)


POLICY_TYPES: dict[str, PolicyType] = {
    t.name: t
    for t in (
        PolicyType("SERVICE_CONTROL_POLICY", "SCP", 10_240, 10, "FullAWSAccess"),
        PolicyType("RESOURCE_CONTROL_POLICY", "RCP", 5_120, 5, "RCPFullAWSAccess"),
        PolicyType("TAG_POLICY", "tag", 10_000, 10, None),
        PolicyType("BACKUP_POLICY", "backup", 10_000, 10, None),
        PolicyType("AISERVICES_OPT_OUT_POLICY", "AI opt-out", 2_500, 5, None),
    )
}

# AWS attaches these everywhere once their type is enabled.
DEFAULT_POLICIES = frozenset(t.default_policy for t in POLICY_TYPES.values() if t.default_policy)


def label(policy_type: str) -> str:
    return POLICY_TYPES[policy_type].label if policy_type in POLICY_TYPES else policy_type
