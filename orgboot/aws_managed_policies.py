"""Names of AWS managed policies, so a typo in org.yaml is caught before deploy.

The catalogue is moto's copy of AWS's list (already a dependency, refreshed with each release).
A policy newer than the copy can always be given by its full ARN.
"""

import difflib
import json
from functools import cache

ARN_PREFIX = "arn:aws:iam::aws:policy/"


@cache
def _names() -> frozenset[str]:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    data = json.loads(aws_managed_policies_data)
    return frozenset(f"{d.get('Path', '/')}{name}".lstrip("/") for name, d in data.items())


def exists(name: str) -> bool:
    return name in _names()


def closest(name: str) -> str:
    match = difflib.get_close_matches(name, sorted(_names()), n=1)
    return f" (did you mean '{match[0]}'?)" if match else ""


def arn(name_or_arn: str) -> str:
    return name_or_arn if name_or_arn.startswith("arn:") else ARN_PREFIX + name_or_arn
