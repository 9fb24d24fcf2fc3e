"""Where orgboot deploys. Organizations and IAM are global services homed in us-east-1, and
billing metrics (AWS/Billing EstimatedCharges) exist only there (CloudWatch User Guide, "Create a
billing alarm")."""

import json
from functools import cache
from importlib.resources import files

from orgboot.suggest import did_you_mean

HOME_REGION = "us-east-1"
# The partition HOME_REGION is in: every ARN orgboot writes itself uses it. orgboot deploys to the
# commercial partition only (aws-cn and aws-us-gov home Organizations in other regions).
PARTITION = "aws"


@cache
def commercial_regions() -> frozenset[str]:
    """Every region of the commercial partition, from the endpoint data botocore ships (kept
    current by its releases): read as data, as nothing here talks to AWS."""
    endpoints = json.loads((files("botocore") / "data" / "endpoints.json").read_text(encoding="utf-8"))
    return frozenset(next(p for p in endpoints["partitions"] if p["partition"] == PARTITION)["regions"])


def known_region(region: str) -> str:
    """`region`, when it is a commercial region; a validator for the spec's region fields."""
    if region not in commercial_regions():
        raise ValueError(f"'{region}' is not an AWS region{did_you_mean(region, commercial_regions())}")
    return region
