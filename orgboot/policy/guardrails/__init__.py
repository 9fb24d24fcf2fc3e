"""The guardrail library: organization policies everybody needs, enabled in org.yaml by name with
parameters and targets instead of copied JSON. One guardrail per module, each written from the AWS
page it cites; REGISTRY lists them. Packing them into documents is packing.py."""

from orgboot.policy.guardrails import (
    data_perimeter_https,
    data_perimeter_identities,
    deny_iam_users,
    deny_leaving,
    deny_region_opt_in,
    deny_root_access_keys,
    deny_root_user,
    protect_account_settings,
    protect_orgboot_roles,
    protect_s3_public_access_block,
    protect_security_services,
    quarantine,
    region_deny,
)
from orgboot.policy.guardrails.guardrail import Guardrail, OrgbootRoles, Parameters

REGISTRY: dict[str, Guardrail] = {
    module.GUARDRAIL.name: module.GUARDRAIL
    for module in (
        deny_leaving,
        deny_root_user,
        deny_root_access_keys,
        region_deny,
        deny_region_opt_in,
        protect_security_services,
        protect_orgboot_roles,
        protect_account_settings,
        protect_s3_public_access_block,
        deny_iam_users,
        quarantine,
        data_perimeter_identities,
        data_perimeter_https,
    )
}

# Sid -> the guardrail whose statement carries it: Sids are unique in the library (a test checks it).
_GUARDRAIL_OF_SID = {sid: guardrail.name for guardrail in REGISTRY.values() for sid in guardrail.sids}
_SIDS_LONGEST_FIRST = tuple(sorted(_GUARDRAIL_OF_SID, key=len, reverse=True))  # a Sid that ends another wins only after it


def guardrail_of_sid(sid: str) -> str | None:
    """The library guardrail a statement of a guardrail document belongs to, read from its Sid:
    packing.py keeps a statement's Sid, or puts the entry's key before it (and X after it) when two
    entries of one document would share it."""
    candidate = sid
    while candidate:
        for own in _SIDS_LONGEST_FIRST:
            if candidate.endswith(own):
                return _GUARDRAIL_OF_SID[own]
        if not candidate.endswith("X"):
            return None
        candidate = candidate[:-1]
    return None


__all__ = ["REGISTRY", "Guardrail", "OrgbootRoles", "Parameters", "guardrail_of_sid"]
