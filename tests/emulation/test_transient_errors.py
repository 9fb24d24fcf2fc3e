"""Refusals that last a while: the functions of the deploy retry them (constructs/functions/retries.py),
and without that retry the deploy fails, as the emulator reproduces them. Here: a new role's
policy that IAM has not propagated yet (orgboot/emulator/iam_propagation.py). Policy-type changes
refused while another is pending: tests/emulation/test_policy_types.py."""

import json
import shutil

import pytest

from orgboot.emulator import EmulationError, Engine, deploy_assembly, emulated_aws
from tests.conftest import EXAMPLE_PARAMETERS, edited
from tests.support.inline_code import without_retries_on

NOT_PROPAGATED = r"AccessDenied: \S+ is not authorized to perform ListRoots yet: IAM has not propagated what this deploy created"


def test_the_policy_type_settler_fails_on_a_new_role_without_its_retry(example_assembly, tmp_path):
    broken = edited(example_assembly, tmp_path, "OrganizationStack", without_retries_on("ACCESS_DENIED"))
    with (
        emulated_aws(),
        pytest.raises(
            EmulationError,
            match=r"OrganizationStack/PolicyTypeEnabledServiceControlPolicy \(Custom::PolicyTypeEnabled\): Received response status"
            rf" \[FAILED\] .*\(AccessDeniedException\) when calling the ListRoots operation: {NOT_PROPAGATED}",
        ),
    ):
        deploy_assembly(Engine(), broken, EXAMPLE_PARAMETERS)


def test_the_ou_lookups_fail_on_a_new_role_without_their_retry(spread, tmp_path):
    _, assembly = spread
    broken = tmp_path / "cdk.out"
    shutil.copytree(assembly, broken)
    edit = without_retries_on("ACCESS_DENIED")
    for file in broken.glob("OrganizationAccounts*.template.json"):
        template = json.loads(file.read_text())
        edit(template)
        file.write_text(json.dumps(template))
    with (
        emulated_aws(),
        pytest.raises(
            EmulationError,
            match=r"OrganizationAccounts01/\w+ \(Custom::OrganizationalUnitIds\): Received response status \[FAILED\]"
            rf" .*\(AccessDeniedException\) when calling the ListRoots operation: {NOT_PROPAGATED}",
        ),
    ):
        deploy_assembly(Engine(), broken, EXAMPLE_PARAMETERS)
