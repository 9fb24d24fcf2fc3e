"""The IDs of OUs created by another stack, read by path while this stack deploys."""

from collections.abc import Mapping
from pathlib import Path

from orgboot.spec import logical_ids
from orgboot.spec.layout import ou_lookup_group

from constructs import Construct
from constructs.inline_function import function_resource, inline_function

_LOOK_UP_OUS = Path(__file__).with_name("functions") / "look_up_ous.py"


class OuLookup(Construct):
    """One function and a lookup per group of OUs (constructs/functions/look_up_ous.py). Each OU is
    looked up by its path (what AWS names), but grouped and named by its identity (the path unless
    a key keeps it: orgboot/spec/fields.py ou_identities), so an OU renamed in place is the same
    lookup with a new path: an update that answers the same ID, not a new lookup and a deleted one.
    Groups come from a hash of the identity, so that each answer stays within CloudFormation's 4,096
    bytes and an OU added to the stack changes one lookup only."""

    def __init__(self, scope: Construct, id: str, *, identities: Mapping[str, str]) -> None:
        """`identities`: each OU path to look up -> the OU's identity."""
        super().__init__(scope, id)
        function = inline_function(
            self,
            "Function",
            source=_LOOK_UP_OUS,
            description="orgboot: looks up organizational unit IDs by path",
            sdk_calls=[("Organizations", "listRoots"), ("Organizations", "listOrganizationalUnitsForParent")],
        )
        groups: dict[int, dict[str, str]] = {}
        for path, identity in sorted(identities.items()):
            groups.setdefault(ou_lookup_group(identity), {})[logical_ids.ou(identity)] = path
        self._ids: dict[str, str] = {}
        for group, paths_by_name in sorted(groups.items()):
            lookup = function_resource(
                self,
                f"Group{group:02d}",
                function=function,
                resource_type="Custom::OrganizationalUnitIds",
                properties={"Paths": paths_by_name},
            )
            # Each name of the answer's Data is an attribute for Fn::GetAtt (CloudFormation User
            # Guide, "Custom resource response objects", Data).
            for name, path in paths_by_name.items():
                self._ids[path] = lookup.get_att_string(name)

    def ou_id(self, path: str) -> str:
        return self._ids[path]
