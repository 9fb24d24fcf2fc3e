"""Where orgboot deploys. Organizations and IAM are global services homed in us-east-1, and
billing metrics (AWS/Billing EstimatedCharges) exist only there (CloudWatch User Guide, "Create a
billing alarm")."""

import json
from functools import cache
from importlib.resources import files

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
