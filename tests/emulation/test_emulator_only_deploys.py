"""An example organization (org.yaml: emulator_only) deploys only where its EmulatorOnly parameter is
given: deploy_assembly gives it, a stack deployed without it is refused before anything is created,
as CloudFormation refuses a parameter without a value (docs/deploy.md, "Examples never reach AWS")."""

import pytest
from botocore.exceptions import ClientError

from orgboot.emulator import EmulationError, Engine, deploy_assembly, emulated_aws, management
from orgboot.emulator.assembly import read_assembly
from tests.conftest import EXAMPLE_PARAMETERS, template


def given(stack: str) -> dict[str, str]:
    """What a real `cdk deploy --parameters` gives the stack: the third party's external ID."""
    return {key.split(":", 1)[1]: value for key, value in EXAMPLE_PARAMETERS.items() if key.startswith(stack + ":")}


@pytest.mark.parametrize("stack", ["OrganizationStack", "ManagementBaselineStack", "MemberRolesStack"])
def test_a_stack_of_an_example_deployed_without_the_emulators_value_is_refused(example_assembly, stack):
    with emulated_aws():
        engine = Engine()
        with pytest.raises(EmulationError) as caught:
            engine.deploy(stack, template(example_assembly, stack), management(), given(stack))
        assert str(caught.value) == f"{stack}: Parameters: [EmulatorOnly] must have values"
        assert engine.events == []  # nothing was created
        with pytest.raises(ClientError, match="AWSOrganizationsNotInUseException"):
            management().client("organizations").describe_organization()


def test_an_example_takes_no_other_value(example_assembly):
    with emulated_aws():
        engine = Engine()
        with pytest.raises(EmulationError, match="Parameter 'EmulatorOnly' must be one of AllowedValues: true"):
            engine.deploy("OrganizationStack", template(example_assembly, "OrganizationStack"), management(), {"EmulatorOnly": "false"})
        assert engine.events == []


def test_given_the_value_a_stack_of_an_example_deploys(example_assembly):
    """What deploy_assembly gives every stack that declares the parameter."""
    with emulated_aws():
        engine = Engine()
        engine.deploy("OrganizationStack", template(example_assembly, "OrganizationStack"), management(), {"EmulatorOnly": "true"})
        assert management().client("organizations").describe_organization()["Organization"]["FeatureSet"] == "ALL"


def test_deploy_assembly_gives_the_value_to_every_stack_that_declares_it(example_assembly):
    stacks = read_assembly(example_assembly)
    assert all("EmulatorOnly" in stack.template["Parameters"] for stack in stacks)
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, stacks, EXAMPLE_PARAMETERS)
        assert {stack for _, stack in engine.stacks} >= {stack.name for stack in stacks}
