"""An organization deployed with the first release (commit 019f304, its templates in
tests/data/first_release) must upgrade without CloudFormation deleting a resource whose delete
step reaches beyond itself: an account (closed), the organization, a policy type enabler (the type
disabled, its policies detached everywhere), the password policy or the alias (deleted)."""

import json
from pathlib import Path

import pytest

from tests.conftest import REPO, template

FIRST_RELEASE = REPO / "tests" / "data" / "first_release"
# MemberRolesStack has none: its only custom resource has no delete step.
STACKS = ("OrganizationStack", "ManagementBaselineStack")


def reaches_beyond_itself(resource: dict) -> bool:
    if resource["Type"] in ("AWS::Organizations::Account", "AWS::Organizations::Organization"):
        return True
    return resource["Type"] == "Custom::AWS" and "Delete" in resource.get("Properties", {})


@pytest.mark.parametrize("stack", STACKS)
def test_the_first_releases_lasting_resources_keep_their_identity(example_assembly: Path, stack):
    before = json.loads((FIRST_RELEASE / f"{stack}.template.json").read_text())["Resources"]
    now = template(example_assembly, stack)["Resources"]
    lasting = {lid: r["Type"] for lid, r in before.items() if reaches_beyond_itself(r)}
    assert lasting
    assert {lid: now[lid]["Type"] for lid in lasting if lid in now} == lasting
