"""A deploy that fails ends as CloudFormation's does, and the next `cdk deploy` meets what it left
(orgboot/emulator/engine.py). With rollback, CloudFormation's default, the organization and the
accounts (DeletionPolicy Retain) stay in AWS outside the stack, so the next deploy fails; with
--no-rollback, what orgboot deploy runs, the stack keeps them and the next deploy resumes. Also
what makes a first deploy fail in AWS: the account quota of a new organization (Service Quotas
L-E619E033) and FinalizingOrganizationException right after CreateOrganization."""

from typing import Any

import pytest

from orgboot.emulator import AssemblyStack, EmulationError, Engine, deploy_assembly, emulated_aws, management
from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID

STACK = "Org"
ROOT = {"Fn::GetAtt": ["Organization", "RootId"]}


def account(name: str, after: str, parent: Any = ROOT) -> dict[str, Any]:
    return {
        "Type": "AWS::Organizations::Account",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "DependsOn": [after],
        "Properties": {"AccountName": name, "Email": f"aws+{name.lower()}@example.com", "ParentIds": [parent]},
    }


def ou(name: str, after: str) -> dict[str, Any]:
    return {"Type": "AWS::Organizations::OrganizationalUnit", "DependsOn": [after], "Properties": {"Name": name, "ParentId": ROOT}}


ORGANIZATION = {"Type": "AWS::Organizations::Organization", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
# The organization, an OU, then two accounts at the root, one after the other (Organizations
# refuses concurrent changes): with room for one account only, the second fails after the
# organization and the first account are created.
RESOURCES = {
    "Organization": ORGANIZATION,
    "Sandbox": ou("Sandbox", "Organization"),
    "First": account("First", "Sandbox"),
    "Second": account("Second", "First"),
}
QUOTA_EXCEEDED = (
    "Org/Second (AWS::Organizations::Account): Account creation failed with reason [ACCOUNT_LIMIT_EXCEEDED] for request id:"
    " car-emulated (the organization holds 2 accounts, its quota; ask for more: Service Quotas L-E619E033;"
    " an emulated organization with a raised quota: orgboot emulate --account-quota N)"
)
ALREADY_IN_ORGANIZATION = (
    "Org/Organization (AWS::Organizations::Organization): An error occurred (AlreadyInOrganizationException) when calling the"
    " CreateOrganization operation: "
)


def stack(resources: dict[str, Any]) -> list[AssemblyStack]:
    return [AssemblyStack(STACK, "us-east-1", {"Resources": resources}, ())]


def held(engine: Engine) -> list[str]:
    return list(engine.stacks[(MANAGEMENT_ACCOUNT_ID, STACK)].resources)


def organization() -> tuple[set[str], set[str]]:
    """The accounts' names and the root's OUs' names, as AWS lists them."""
    client = management().client("organizations")
    (root,) = client.list_roots()["Roots"]
    ous = client.list_organizational_units_for_parent(ParentId=root["Id"])["OrganizationalUnits"]
    return {a["Name"] for a in client.list_accounts()["Accounts"]}, {o["Name"] for o in ous}


def done(engine: Engine, first: int) -> list[tuple[str, str]]:
    return [(event.logical_id, event.action) for event in engine.events[first:]]


def test_a_rolled_back_first_deploy_leaves_the_organization_and_an_account_outside_the_stack():
    with emulated_aws():
        engine = Engine(account_quota=2)  # the management account and one more
        with pytest.raises(EmulationError) as caught:
            deploy_assembly(engine, stack(RESOURCES), rollback=True)
        assert str(caught.value) == (
            f"{QUOTA_EXCEEDED} (rolled back: Org is ROLLBACK_COMPLETE; retained, now outside the stack: First, Organization)"
        )
        assert engine.stack_status(MANAGEMENT_ACCOUNT_ID, STACK) == "ROLLBACK_COMPLETE"
        assert held(engine) == []
        assert done(engine, 0) == [
            ("Organization", "CREATE"),
            ("Sandbox", "CREATE"),
            ("First", "CREATE"),
            ("First", "RETAIN"),
            ("Sandbox", "DELETE"),
            ("Organization", "RETAIN"),
        ]
        assert organization() == ({"master", "First"}, set())

        # The next `cdk deploy` deletes the stack that failed creation, creates it again, and fails
        # on what the rollback left in AWS, whatever the quota is now.
        engine.account_quota = 10
        with pytest.raises(EmulationError) as caught:
            deploy_assembly(engine, stack(RESOURCES), rollback=True)
        assert str(caught.value).startswith(ALREADY_IN_ORGANIZATION)
        assert str(caught.value).endswith("(rolled back: Org is ROLLBACK_COMPLETE)")


def test_without_rollback_the_failed_first_deploy_keeps_what_it_created_and_the_next_one_resumes():
    with emulated_aws():
        engine = Engine(account_quota=2)
        with pytest.raises(EmulationError) as caught:
            deploy_assembly(engine, stack(RESOURCES))  # orgboot deploy's --no-rollback: the emulator's default
        assert str(caught.value) == QUOTA_EXCEEDED
        assert engine.stack_status(MANAGEMENT_ACCOUNT_ID, STACK) == "CREATE_FAILED"
        assert held(engine) == ["Organization", "Sandbox", "First"]

        engine.account_quota = 3  # the increase approved
        first = len(engine.events)
        deploy_assembly(engine, stack(RESOURCES))
        assert done(engine, first) == [("Second", "CREATE")]
        assert engine.stack_status(MANAGEMENT_ACCOUNT_ID, STACK) == "UPDATE_COMPLETE"
        assert organization() == ({"master", "First", "Second"}, {"Sandbox"})


def test_a_stack_paused_by_no_rollback_is_not_deployed_with_rollback():
    # The CDK CLI would roll it back first, with RetainExceptOnCreate: the first account would be closed.
    with emulated_aws():
        engine = Engine(account_quota=2)
        with pytest.raises(EmulationError):
            deploy_assembly(engine, stack(RESOURCES))
        first = len(engine.events)
        with pytest.raises(EmulationError, match=r"Stack is in a paused fail state \(CREATE_FAILED\) .* Deploy with --no-rollback"):
            deploy_assembly(engine, stack(RESOURCES), rollback=True)
        assert done(engine, first) == []
        assert held(engine) == ["Organization", "Sandbox", "First"]


def test_a_failed_update_rolls_back_to_the_previous_template():
    renamed = {**RESOURCES, "Sandbox": {**RESOURCES["Sandbox"], "Properties": {"Name": "Playground", "ParentId": ROOT}}}
    grown = {**renamed, "Extra": ou("Extra", "Sandbox"), "First": account("First", "Extra")}
    previous = {key: value for key, value in RESOURCES.items() if key != "Second"}
    with emulated_aws():
        engine = Engine(account_quota=2)
        deploy_assembly(engine, stack(previous))
        first = len(engine.events)
        with pytest.raises(EmulationError) as caught:
            deploy_assembly(engine, stack(grown), rollback=True)
        assert str(caught.value) == f"{QUOTA_EXCEEDED} (rolled back: Org is UPDATE_ROLLBACK_COMPLETE)"
        assert done(engine, first) == [("Sandbox", "UPDATE"), ("Extra", "CREATE"), ("Extra", "DELETE"), ("Sandbox", "UPDATE")]
        assert organization() == ({"master", "First"}, {"Sandbox"})
        assert engine.current_template(MANAGEMENT_ACCOUNT_ID, STACK) == {"Resources": previous}
        assert held(engine) == ["Organization", "Sandbox", "First"]

        engine.account_quota = 3  # UPDATE_ROLLBACK_COMPLETE can be updated
        deploy_assembly(engine, stack(grown), rollback=True)
        assert organization() == ({"master", "First", "Second"}, {"Playground", "Extra"})


def test_a_rollback_that_fails_leaves_the_stack_update_rollback_failed():
    # An account's name cannot change: the update fails, and so does its rollback, which is an update too.
    previous = {key: value for key, value in RESOURCES.items() if key != "Second"}
    renamed = {**previous, "First": {**previous["First"], "Properties": {**previous["First"]["Properties"], "AccountName": "Renamed"}}}
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, stack(previous))
        with pytest.raises(EmulationError) as caught:
            deploy_assembly(engine, stack(renamed), rollback=True)
        failure = r"Org/First \(AWS::Organizations::Account\): AccountName of account [0-9]{12} cannot be changed by CloudFormation"
        assert caught.match(f"^{failure}.*rolled back: Org is UPDATE_ROLLBACK_FAILED; the rollback failed: {failure}")
        with pytest.raises(EmulationError, match=r"is in UPDATE_ROLLBACK_FAILED state and can not be updated: continue its rollback"):
            deploy_assembly(engine, stack(previous))


def test_a_rolled_back_create_that_cannot_delete_an_ou_holding_an_account_is_rollback_failed():
    in_sandbox = {**RESOURCES, "First": account("First", "Sandbox", parent={"Ref": "Sandbox"})}
    with emulated_aws():
        engine = Engine(account_quota=2)
        with pytest.raises(EmulationError) as caught:
            deploy_assembly(engine, stack(in_sandbox), rollback=True)
        assert caught.match(
            r"rolled back: Org is ROLLBACK_FAILED; retained, now outside the stack: First; the rollback failed: .*not empty"
        )
        assert held(engine) == ["Organization", "Sandbox"]  # the OU, and the organization it depends on

        # The CDK CLI deletes it before creating it again, and that fails the same way.
        with pytest.raises(EmulationError, match="Failed deleting stack Org that had previously failed creation .*DELETE_FAILED"):
            deploy_assembly(engine, stack(in_sandbox))
        assert engine.stack_status(MANAGEMENT_ACCOUNT_ID, STACK) == "DELETE_FAILED"
        engine.delete_stack(STACK, management(), retain_resources=["Sandbox"])
        assert engine.stack_status(MANAGEMENT_ACCOUNT_ID, STACK) is None
        assert organization() == ({"master", "First"}, {"Sandbox"})  # all of it outside any stack: adopt it (docs/adopt.md)


def test_resources_are_retained_on_deletion_only_once_it_failed():
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, stack(RESOURCES))
        with pytest.raises(EmulationError, match="Org is CREATE_COMPLETE: RetainResources is only for a stack in DELETE_FAILED"):
            engine.delete_stack(STACK, management(), retain_resources=["Sandbox"])


@pytest.mark.parametrize("rollback", [False, True])
def test_create_account_right_after_create_organization_may_fail_while_it_finalizes(rollback):
    with emulated_aws():
        engine = Engine(finalizing_new_organization=True)
        with pytest.raises(EmulationError, match=r"^Org/First \(AWS::Organizations::Account\): FinalizingOrganizationException"):
            deploy_assembly(engine, stack(RESOURCES), rollback=rollback)
        if rollback:  # the organization stays outside the stack: the retry cannot create it again
            with pytest.raises(EmulationError, match="AlreadyInOrganizationException"):
                deploy_assembly(engine, stack(RESOURCES), rollback=True)
        else:  # the stack holds it, and the retry, a later deploy, resumes
            assert held(engine) == ["Organization", "Sandbox"]
            deploy_assembly(engine, stack(RESOURCES))
            assert organization() == ({"master", "First", "Second"}, {"Sandbox"})


def test_a_new_organization_holds_ten_accounts_unless_the_quota_is_raised():
    resources: dict[str, Any] = {"Organization": ORGANIZATION}
    for number in range(1, 11):
        resources[f"Account{number}"] = account(f"Account{number}", f"Account{number - 1}" if number > 1 else "Organization")
    with emulated_aws():
        engine = Engine()
        with pytest.raises(EmulationError, match=r"^Org/Account10 .*ACCOUNT_LIMIT_EXCEEDED.*holds 10 accounts"):
            deploy_assembly(engine, stack(resources))
        engine.account_quota = 11
        deploy_assembly(engine, stack(resources))
        assert len(organization()[0]) == 11
