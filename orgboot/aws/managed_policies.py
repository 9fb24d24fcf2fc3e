"""The catalogue of AWS managed policies, so a typo in org.yaml is caught before deploy and the
policy engine knows what each one allows.

The data is moto's copy of AWS's list (data/managed_policies.json.gz, refreshed by
tools/refresh_managed_policies.py). A policy newer than the copy can always be given by its ARN.
"""

import gzip
import json
from functools import cache
from importlib import resources
from typing import Any

from orgboot.aws.regions import PARTITION

ARN_PREFIX = f"arn:{PARTITION}:iam::aws:policy/"


@cache
def catalogue() -> dict[str, dict[str, Any]]:
    """Name with its path ("job-function/Billing") -> {"DefaultVersionId", "Document"}."""
    raw = resources.files("orgboot.aws").joinpath("data/managed_policies.json.gz").read_bytes()
    policies: dict[str, dict[str, Any]] = json.loads(gzip.decompress(raw))["policies"]
    return policies


def exists(name: str) -> bool:
    return name in catalogue()


def arn(name_or_arn: str) -> str:
    return name_or_arn if name_or_arn.startswith("arn:") else ARN_PREFIX + name_or_arn


def document(name_or_arn: str) -> dict[str, Any] | None:
    """An AWS managed policy's document, by name or ARN; None for what the catalogue does not
    hold (a customer managed policy, unknown offline)."""
    entry = catalogue().get(name_or_arn.removeprefix(ARN_PREFIX))
    return entry["Document"] if entry else None
