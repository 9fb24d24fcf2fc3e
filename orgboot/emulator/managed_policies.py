"""AWS managed policies in the emulator, loaded one at a time.

moto can load all ~1,400 AWS managed policies (MOTO_IAM_LOAD_MANAGED_POLICIES), but it does so
for every account and partition it touches and again on every reset: 0.2 s each, 48 times for the
example organization, which made one emulated deploy take 18 s instead of 2. No moto setting
limits it, so we put just the policies a template attaches into the account that attaches them,
from moto's own copy of the AWS data. This touches moto internals (pinned in requirements.txt).
"""

import json
from functools import cache
from typing import Any

from moto.iam.aws_managed_policies import aws_managed_policies_data
from moto.iam.models import AWSManagedPolicy, iam_backends

from orgboot.aws.managed_policies import ARN_PREFIX
from orgboot.aws.regions import HOME_REGION

AWS_MANAGED_PREFIX = ARN_PREFIX.removesuffix("/")


@cache
def _catalogue() -> dict[str, dict[str, Any]]:
    """AWS managed policy ARN -> its data."""
    data = json.loads(aws_managed_policies_data)
    return {f"{AWS_MANAGED_PREFIX}{d.get('Path', '/')}{name}": {"name": name, **d} for name, d in data.items()}


def is_aws_managed(arn: str) -> bool:
    return arn.startswith(AWS_MANAGED_PREFIX + "/")


def ensure_loaded(account_id: str, arn: str) -> None:
    """Make the AWS managed policy `arn` exist in `account_id`, as it does in every real account.
    An ARN that AWS does not have is left alone: the attach then fails as it would in AWS."""
    if not is_aws_managed(arn) or arn not in _catalogue():
        return
    backend = iam_backends[account_id]["aws"]
    if arn not in backend.managed_policies:
        data = _catalogue()[arn]
        backend.managed_policies[arn] = AWSManagedPolicy.from_data(data["name"], account_id, HOME_REGION, data)


def exists(arn: str) -> bool:
    """Whether AWS has the AWS managed policy `arn` (moto's copy of AWS's data)."""
    return arn in _catalogue()
