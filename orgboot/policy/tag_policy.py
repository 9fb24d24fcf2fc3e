"""Tag policies, checked against the syntax AWS documents. The operators are management_policy.py's;
this module holds what is particular to tag policies: their keys and the values those take.

Organizations User Guide, "Tag policy syntax and examples"
(https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_example-tag-policies.html):
- "Tag policies always start with this fixed key name": tags.
- "A policy key that uniquely identifies the policy statement. It must match the value for the tag
  key, except for the case treatment."
- tag_key, "the allowed tag key with the capitalization that you want resources to be compliant
  with", is one string: {"@@assign": "CostCenter"}.
- tag_value, "a list of one or more acceptable tag values": {"@@assign": ["100", "200"]}. "You can
  use only one wildcard for each tag value. For example, *@example.com is allowed, but *@*.com is not."
- enforced_for, a list of service:resource-type. For all of a service's types the page's example
  writes "secretsmanager:*" on docs.aws.amazon.com and "secretsmanager:ALL_SUPPORTED" on the
  docs.amazonaws.cn edition; neither says the other form is refused, so both are taken (checked
  again for issue 24: the docs do not settle it). "You cannot use a wildcard to specify all
  services": the service is never a wildcard.
Resource Groups Tagging API Reference, "RequiredTag"
(https://docs.aws.amazon.com/resourcegrouptagging/latest/APIReference/API_RequiredTag.html): tag keys
"marked as required in the report_required_tag_for block of the effective tag policy", per resource type.

The resource types enforced_for takes are listed in "Services and resource types that support
enforcement" (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_supported-resources-enforcement.html),
a table the AWS site renders only in the browser; its copies disagree with the Service Authorization
Reference's names (rds:pg, iam:mfa), so a resource type is not checked against either, only its service.
"""

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from orgboot.aws import iam_catalog
from orgboot.policy.findings import Finding, Path
from orgboot.policy.management_policy import ASSIGN, Block, Named, Setting, check
from orgboot.suggest import did_you_mean

ALL_SUPPORTED = "ALL_SUPPORTED"


def _tag_value(value: str, path: Path) -> Iterator[Finding]:
    wildcards = value.count("*")
    if wildcards > 1:
        yield Finding(path, f"'{value}' has {wildcards} wildcards; a tag value takes one")


def _resource_type(value: str, path: Path) -> Iterator[Finding]:
    service, separator, resource = value.partition(":")
    if not separator or not service or not resource:
        example = service if service and "*" not in service else "ec2"
        yield Finding(
            path,
            f"'{value}' is not a resource type: write service:type like \"ec2:instance\","
            f' or "{example}:{ALL_SUPPORTED}" for all of a service\'s',
        )
    elif "*" in service or "?" in service:
        yield Finding(path, f"'{value}': the service cannot be a wildcard; name one service, like \"ec2:instance\"")
    elif service.lower() not in iam_catalog.services():
        hint = did_you_mean(service.lower(), sorted(iam_catalog.services()), cutoff=0.75)
        yield Finding(path, f"unknown service prefix '{service}'{hint} in '{value}'")
    elif resource != ALL_SUPPORTED and difflib.SequenceMatcher(None, resource.upper().replace("-", "_"), ALL_SUPPORTED).ratio() >= 0.85:
        yield Finding(path, f"'{value}' is not a resource type (did you mean '{service}:{ALL_SUPPORTED}'?)")


def _policy_key_is_the_tag_key(policy_key: str, entry: Mapping[str, Any], path: Path) -> Iterator[Finding]:
    tag_key = entry.get("tag_key")
    spelled = tag_key.get(ASSIGN) if isinstance(tag_key, Mapping) else None
    if isinstance(spelled, str) and spelled.lower() != policy_key.lower():
        yield Finding(
            (*path, "tag_key", ASSIGN),
            f"tag_key '{spelled}' must be the policy key '{policy_key}' in the capitalization resources must use",
        )


_RESOURCE_TYPES = Setting(multi_valued=True, example='["ec2:instance"]', check_item=_resource_type)
ENTRY = Block(
    label="a tag policy entry",
    keys={
        "tag_key": Setting(multi_valued=False, example='"CostCenter"'),
        "tag_value": Setting(multi_valued=True, example='["100", "200"]', check_item=_tag_value),
        "enforced_for": _RESOURCE_TYPES,
        "report_required_tag_for": _RESOURCE_TYPES,
    },
    required={"tag_key": "the tag's spelling, with @@assign"},
    check=_policy_key_is_the_tag_key,
)
TAG_POLICY = Block(label="a tag policy", keys={"tags": Named(ENTRY)}, required={"tags": "an object of policy keys"})


def lint_tag_policy(document: Mapping[str, Any]) -> list[Finding]:
    return list(check(document, TAG_POLICY))
