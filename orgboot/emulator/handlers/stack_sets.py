"""AWS::CloudFormation::StackSet (service-managed), as AWS runs it: the template is deployed as a
stack into every account under the target OUs (nested OUs included, the management account
never), in each region, with credentials assumed in that account."""

import json
from typing import Any

from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID, assume
from orgboot.emulator.errors import EmulationError
from orgboot.emulator.handlers.base import Context, Handler, Result
from orgboot.state.pages import all_items


def _accounts_under(organizations: Any, parent_id: str) -> list[str]:
    accounts = [
        a["Id"] for a in all_items(organizations, "list_accounts_for_parent", "Accounts", ParentId=parent_id) if a["Status"] == "ACTIVE"
    ]
    for ou in all_items(organizations, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent_id):
        accounts += _accounts_under(organizations, ou["Id"])
    return accounts


def instance_stack_name(stack_set_name: str) -> str:
    return f"StackSet-{stack_set_name}"


class StackSet(Handler):
    # AWS deploys to accounts that join the target OUs by itself (auto-deployment); the emulator
    # catches up on every deploy, even when the StackSet's own properties did not change.
    reconcile_every_deploy = True

    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        if props.get("PermissionModel") != "SERVICE_MANAGED":
            raise EmulationError("only service-managed StackSets are emulated")
        if not ctx.engine.stack_sets_trusted_access:
            raise EmulationError(
                "StackSets trusted access is not activated in Organizations (ActivateOrganizationsAccess);"
                " AWS refuses service-managed StackSets without it"
            )
        self._reconcile(ctx, props, previous=None)
        name = props["StackSetName"]
        return Result(f"{name}:emulated", {"StackSetId": f"{name}:emulated"}, ref=f"{name}:emulated")

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        if old.get("StackSetName") != new.get("StackSetName"):
            return super().update(ctx, physical_id, old, new)
        changed = self._reconcile(ctx, new, previous=old)
        # A change of its own properties is an update of the StackSet even where the instances
        # stay as they were (new deployment targets reaching the same accounts, for one).
        return Result(physical_id, {"StackSetId": physical_id}, ref=physical_id, changed=changed or old != new)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        for account_id, region in self._instances(ctx, props["StackSetName"]):
            ctx.engine.deploy(instance_stack_name(props["StackSetName"]), {"Resources": {}}, assume(account_id, region=region))
            ctx.engine.forget(account_id, instance_stack_name(props["StackSetName"]))

    def _targets(self, ctx: Context, props: dict[str, Any]) -> set[tuple[str, str]]:
        organizations = ctx.aws.client("organizations")
        targets = set()
        for group in props.get("StackInstancesGroup", []):
            for parent in group["DeploymentTargets"].get("OrganizationalUnitIds", []):
                for account_id in _accounts_under(organizations, parent):
                    if account_id != MANAGEMENT_ACCOUNT_ID:
                        targets |= {(account_id, region) for region in group["Regions"]}
        return targets

    @staticmethod
    def _instances(ctx: Context, stack_set_name: str) -> set[tuple[str, str]]:
        instances: set[tuple[str, str]] = ctx.engine.instances.get(stack_set_name, set())
        return instances

    def _reconcile(self, ctx: Context, props: dict[str, Any], previous: dict[str, Any] | None) -> bool:
        """Make the stack instances match the targets. Returns whether anything changed."""
        name, stack = props["StackSetName"], instance_stack_name(props["StackSetName"])
        template = json.loads(props["TemplateBody"])
        parameters = {p["ParameterKey"]: p["ParameterValue"] for p in props.get("Parameters", [])}
        current = self._instances(ctx, name)
        wanted = self._targets(ctx, props)
        if previous is not None and not props.get("AutoDeployment", {}).get("Enabled") and props == previous:
            wanted = current  # without auto-deployment, AWS leaves new accounts alone
        template_changed = (
            previous is None
            or previous.get("TemplateBody") != props["TemplateBody"]
            or previous.get("Parameters") != props.get("Parameters")
        )
        for account_id, region in sorted(wanted):
            if (account_id, region) not in current or template_changed:
                ctx.engine.deploy(stack, template, assume(account_id, region=region), parameters)
        retain = props.get("AutoDeployment", {}).get("RetainStacksOnAccountRemoval", False)
        for account_id, region in sorted(current - wanted):
            if not retain:
                ctx.engine.deploy(stack, {"Resources": {}}, assume(account_id, region=region))
            ctx.engine.forget(account_id, stack)
        ctx.engine.instances[name] = wanted
        return template_changed or wanted != current


HANDLERS: dict[str, Handler] = {"AWS::CloudFormation::StackSet": StackSet()}
