"""`orgboot emulate` (what `make demo` prints) shows who can reach which account with which
permission set, read back from the emulated AWS after the deploy, in the region where the assembly
deploys IAM Identity Center; and the access matrix has the Identity Center groups' rows."""

from pathlib import Path

import pytest

from orgboot.cli.emulate import _identity_center_region
from orgboot.cli.main import main
from orgboot.emulator.assembly import read_assembly
from orgboot.spec import OrgSpec
from tests.conftest import EXAMPLE_PARAMETERS


def test_the_example_shows_who_reaches_which_account_with_which_permission_set(
    example_spec: OrgSpec, example_assembly: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("COLUMNS", "220")
    parameters = [option for key, value in EXAMPLE_PARAMETERS.items() for option in ("--parameter", f"{key}={value}")]
    assert main(["emulate", str(example_assembly), *parameters]) == 0
    lines = [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]
    center = example_spec.identity_center
    assert center is not None
    assert f"Identity Center: who can reach which account with which permission set ({center.region})" in lines
    members = len(example_spec.accounts)
    # As org.yaml assigns them: Platform on every OU but the empty Suspended, and the management account.
    assert f"Platform PlatformAdmin 1h sessions every member account ({members}), the management account" in lines
    assert "Finance Billing 4h sessions the management account" in lines
    assert "Developers ReadOnly 8h sessions Shop Prod" in lines  # the one account of Workloads/Prod
    assert "Developer PowerUserAccess, inline policy - 8h sessions" in lines  # what the permission set gives
    # The access matrix, read from the same emulated AWS, has the Identity Center groups' rows.
    matrix = lines[
        lines.index(next(line for line in lines if line.startswith("Identity Center groups (who signs in with which permission set"))) :
    ]
    assert "Finance Billing the management account - -" in matrix


def test_the_region_is_where_the_assembly_deploys_permission_sets(example_spec: OrgSpec, example_assembly: Path):
    assert example_spec.identity_center is not None
    stacks = read_assembly(example_assembly)
    assert _identity_center_region([stacks]) == example_spec.identity_center.region
    assert _identity_center_region([[stack for stack in stacks if stack.name == "OrganizationStack"]]) is None
    assert _identity_center_region([]) is None
