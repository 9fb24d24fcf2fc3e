"""What a consumer stack sees when OrganizationStack drops an OU and its output. The stacks read
OrganizationStack's outputs by weak reference (Fn::GetStackOutput: cdk.json sets
@aws-cdk/core:defaultCrossStackReferences weak), resolved only when the consumer is created or
updated. OrganizationStack deploys first and deletes the OU in its cleanup; until the consumers
deploy in turn, they hold its ID, and a consumer that reads the dropped output fails. This is why
`validate --base` refuses removing an OU the deployed stacks still refer to
(orgboot/rules/changes.py: ous_referenced_later_stay)."""

from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from orgboot.emulator import EmulationError, Engine, deploy_assembly, emulated_aws, management
from orgboot.emulator.assembly import read_assembly
from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID
from orgboot.rules import load_change
from orgboot.spec import SpecError, logical_ids
from tests.conftest import EXAMPLE_PARAMETERS, IAM_GROUPS, iam_groups_variant, synth

ADMIN_STACK_SET = logical_ids.role_stack_set("Admin")


def drop_sandbox(data: dict) -> None:
    """Sandbox removed in one change with what refers to it: its account moves to Workloads/Dev,
    the Admin role and the Admins grant no longer target it."""
    data["organizational_units"].remove("Sandbox")
    data["accounts"]["sandbox-alice"]["ou"] = "Workloads/Dev"
    data["member_roles"]["catalogue"]["Admin"]["targets"].remove("Sandbox")
    (admin,) = [grant for grant in data["management_baseline"]["groups"]["Admins"]["may_assume"] if grant["role"] == "Admin"]
    admin["ous"] = ["Workloads"]


@pytest.fixture(scope="module")
def without_sandbox(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("without-sandbox")
    return synth(iam_groups_variant(directory, drop_sandbox), directory / "cdk.out", directory / "org.yaml")


def stack_set_targets(engine: Engine) -> list[str]:
    resource = engine.stack_resource(MANAGEMENT_ACCOUNT_ID, "MemberRolesStack", ADMIN_STACK_SET)
    assert resource is not None
    return list(resource.properties["StackInstancesGroup"][0]["DeploymentTargets"]["OrganizationalUnitIds"])


def ou_exists(ou_id: str) -> bool:
    try:
        management().client("organizations").describe_organizational_unit(OrganizationalUnitId=ou_id)
    except ClientError as error:
        if error.response["Error"]["Code"] == "OrganizationalUnitNotFoundException":
            return False
        raise
    return True


def test_between_the_stacks_of_one_deploy_the_consumers_still_target_the_deleted_ou(iam_groups_assembly, without_sandbox):
    """OrganizationStack of the change deployed (what `cdk deploy` has done when it starts the next
    stack, or all it did when a later stack fails): the OU is gone, the StackSet still targets it,
    until MemberRolesStack deploys in turn. validate --base says so before anything is deployed."""
    head = {stack.name: stack for stack in read_assembly(without_sandbox)}
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, iam_groups_assembly, EXAMPLE_PARAMETERS)
        sandbox = engine.stack_resource(MANAGEMENT_ACCOUNT_ID, "OrganizationStack", logical_ids.ou("Sandbox"))
        assert sandbox is not None
        assert sandbox.physical_id in stack_set_targets(engine)

        deploy_assembly(engine, [head["OrganizationStack"]])
        assert not ou_exists(sandbox.physical_id)
        outputs = engine.stacks[(MANAGEMENT_ACCOUNT_ID, "OrganizationStack")].outputs
        assert not [name for name in outputs if "OuSandbox" in name]  # the output that named it went with it
        assert sandbox.physical_id in stack_set_targets(engine)  # not notified: it keeps the ID it read

        deploy_assembly(engine, without_sandbox, EXAMPLE_PARAMETERS)
        assert all(ou_exists(ou_id) for ou_id in stack_set_targets(engine))
    with pytest.raises(SpecError) as refused:
        load_change(without_sandbox.parent / "org.yaml", IAM_GROUPS)
    (problem,) = [str(p) for p in refused.value.problems if "OU 'Sandbox'" in str(p)]
    assert "member role 'Admin' (MemberRolesStack: its StackSet targets the OU)" in problem
    assert "the grant of 'Admin' to group 'Admins' (ManagementBaselineStack)" in problem


def test_a_consumer_that_reads_the_dropped_output_fails(iam_groups_assembly, without_sandbox):
    """The consumer deployed again with a template that reads the OU's output (its deployed one, as a
    deploy of the assembly before the change does): CloudFormation cannot resolve it."""
    base = {stack.name: stack for stack in read_assembly(iam_groups_assembly)}
    head = {stack.name: stack for stack in read_assembly(without_sandbox)}
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, iam_groups_assembly, EXAMPLE_PARAMETERS)
        deploy_assembly(engine, [head["OrganizationStack"]])
        with pytest.raises(
            EmulationError, match=r"MemberRolesStack/.*Fn::GetStackOutput: stack OrganizationStack has no output \S*OuSandbox"
        ):
            deploy_assembly(engine, [base["MemberRolesStack"]], EXAMPLE_PARAMETERS)
