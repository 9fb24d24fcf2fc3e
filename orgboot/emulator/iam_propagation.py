"""IAM's eventual consistency, as the code of an inline function meets it.

"IAM uses a distributed computing model called eventual consistency. Any change that you make in
IAM (or other AWS services) ... takes time to become visible from all possible endpoints ... be
sure to verify that the changes have been propagated before production workflows depend on them"
(IAM User Guide, Troubleshooting IAM, "Changes that I make are not always immediately visible").
CloudFormation reports a policy CREATE_COMPLETE once IAM accepted it, not once it propagated, and
a function invoked right after can be refused: AccessDenied, then success on a retry
(aws/aws-cdk#37675, for the role of CDK's AwsCustomResource; aws/aws-cdk#23340).

The emulator's model, on its clock (clock.py): a call made by an inline function whose execution
role, or a policy that grants the role its permissions, was created by the stack deploy now
running, is refused with AccessDenied until emulated time has passed since the first such refusal.
So the first attempt fails and a retry after any wait succeeds, the same on every run. Not
modelled: a change to a policy that existed before (only creation), and the calls of CDK's
AwsCustomResource provider (handlers/custom_aws.py), whose code is CDK's and retries nothing."""

from collections.abc import Iterator
from typing import Any

from orgboot.emulator.clock import EmulatedClock

# The resource types that give a role permissions, and how each names the role.
_ROLE_LISTS = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")  # Roles: [name, ...]


class IamPropagation:
    def __init__(self, clock: EmulatedClock) -> None:
        self._clock = clock
        self._first_refused: dict[tuple[str, str, str], float] = {}  # (account, stack, role ARN) -> when

    def refusal(self, engine: Any, account_id: str, stack_name: str, role_arn: str, operation: str) -> str | None:
        """Why `operation`, called now with `role_arn` by a function of `stack_name`, is refused, or None."""
        created = sorted(_created_by_this_deploy(engine, account_id, stack_name, role_arn.rsplit("/", 1)[-1]))
        if not created:
            return None
        first = self._first_refused.setdefault((account_id, stack_name, role_arn), self._clock.now)
        if self._clock.now > first:
            return None
        return (
            f"AccessDenied: {role_arn} is not authorized to perform {operation} yet: IAM has not propagated what this deploy"
            f" created for the role ({', '.join(created)}). IAM changes take time to become visible (eventual"
            " consistency): retry after a wait"
        )

    def settle(self) -> None:
        """Between stack deploys every change has propagated."""
        self._first_refused.clear()


def _created_by_this_deploy(engine: Any, account_id: str, stack_name: str, role_name: str) -> Iterator[str]:
    """The logical IDs of the stack's IAM resources that make the role or grant it permissions and
    that the previous deploy's template does not have: during a deploy the stack's template is
    still the previous one (the engine replaces it when the deploy completes)."""
    state = engine.stacks.get((account_id, stack_name))
    if state is None:
        return
    before = state.template.get("Resources", {})
    for logical_id, resource in state.resources.items():
        if logical_id in before:
            continue
        properties = resource.properties
        if (
            (resource.type == "AWS::IAM::Role" and resource.physical_id == role_name)
            or (resource.type in _ROLE_LISTS and role_name in properties.get("Roles", []))
            or (resource.type == "AWS::IAM::RolePolicy" and properties.get("RoleName") == role_name)
        ):
            yield logical_id
