"""AWS::CloudFormation::StackSet (service-managed), as AWS runs it: the template is deployed as a
stack into every account under the target OUs (nested OUs included, the management account
never), in each region, with credentials assumed in that account."""

import json
from typing import Any

from orgboot.aws.regions import HOME_REGION, PARTITION
from orgboot.aws.stacksets import EXECUTION_ROLE_EXAMPLE, OPERATION_ACTIONS
from orgboot.emulator import schemas
from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID, assume
from orgboot.emulator.errors import EmulationError
from orgboot.emulator.handlers.base import Context, Handler, Result
from orgboot.policy.evaluation import Applicable, Request, evaluate
from orgboot.policy.matching import Caller
from orgboot.policy.statements import PolicyRef, parse
from orgboot.state.organization import read_organization
from orgboot.state.pages import all_items


def _accounts_under(organizations: Any, parent_id: str) -> list[str]:
    accounts = [
        a["Id"] for a in all_items(organizations, "list_accounts_for_parent", "Accounts", ParentId=parent_id) if a["Status"] == "ACTIVE"
    ]
    for ou in all_items(organizations, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent_id):
        accounts += _accounts_under(organizations, ou["Id"])
    return accounts


# What AWS gives the execution role StackSets creates in each member account (CloudFormation User
# Guide, "Activate trusted access for StackSets with AWS Organizations": service-managed StackSets
# deploy through it); it is an ordinary role, so the account's SCPs and RCPs apply (policy
# evaluation facts 29-30: only service-linked roles are exempt).
_EXECUTION_ROLE_POLICY = parse(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    PolicyRef("AdministratorAccess", "identity", EXECUTION_ROLE_EXAMPLE),
)


def _resource_actions(template: dict[str, Any], previous: dict[str, Any] | None, operation: str) -> list[str]:
    """What the providers of the instance's resources other than roles do
    for the stack operation (their schemas' handlers permissions, schemas.py): create for what is
    new, update for what changed, delete for what goes, as CloudFormation runs them with the
    execution role. A custom resource is CloudFormation invoking its function (lambda:InvokeFunction)."""
    resources = template.get("Resources", {})
    before, after = {
        "create": ({}, resources),
        "update": ((previous or {}).get("Resources", {}), resources),
        "delete": (resources, {}),
    }[operation]
    changes = [(r, "create") for lid, r in after.items() if lid not in before]
    changes += [(r, "update") for lid, r in after.items() if lid in before and before[lid] != r]
    changes += [(r, "delete") for lid, r in before.items() if lid not in after]
    found: dict[str, None] = {}
    for resource, change in changes:
        kind = resource.get("Type", "")
        if kind == "AWS::IAM::Role":
            continue  # OPERATION_ACTIONS, on the roles' own ARNs
        actions = ("lambda:InvokeFunction",) if kind.startswith("Custom::") else schemas.handler_permissions(kind, change)
        found |= dict.fromkeys(actions)
    return list(found)


def _authorize(
    ctx: Context, stack_set: str, template: dict[str, Any], previous: dict[str, Any] | None, operation: str, targets: list[tuple[str, str]]
) -> None:
    """Refuse the StackSet operation where the execution role may not make the calls a stack
    instance needs for it (stacksets.py: the stack action and the AWS::IAM::Role handler's
    actions; the other resources' provider permissions), under the account's SCP and RCP chain, as
    the instance would fail in AWS."""
    if not targets:
        return
    organization = read_organization(ctx.aws.client("organizations"), tags_wanted=False)
    policies = organization.policies_for(sorted({account for account, _ in targets}))
    roles = [r["Properties"].get("RoleName", "*") for r in template.get("Resources", {}).values() if r.get("Type") == "AWS::IAM::Role"]
    others = _resource_actions(template, previous, operation)
    for account_id, region in targets:
        caller = Caller(f"arn:{PARTITION}:iam::{account_id}:role/{EXECUTION_ROLE_EXAMPLE}", account_id, "role")
        for action in (*OPERATION_ACTIONS[operation], *others):
            # Stack operations and regional services run in the instance's region; IAM is global,
            # served from us-east-1 (docs/sources/policy-evaluation.md, fact 137).
            iam_roles = [f"arn:{PARTITION}:iam::{account_id}:role/{r}" for r in roles]
            on_roles = action.startswith("iam:") and action in OPERATION_ACTIONS[operation]
            resources = iam_roles if on_roles else ["*"]
            region_called = HOME_REGION if action.startswith("iam:") else region
            for resource in resources:
                context = {**organization.own_request_context(account_id), "aws:RequestedRegion": region_called}
                request = Request(caller, action, resource, account_id, context)
                decision = evaluate(request, Applicable(identity=(_EXECUTION_ROLE_POLICY,)), policies)
                if not decision.allowed:
                    raise EmulationError(
                        f"StackSet {stack_set}: the instance in account {account_id} ({region}) fails: the execution role"
                        f" may not {action} on {resource}: {decision.why}"
                    )


def _filtered(stack_set: str, deployment: dict[str, Any], under_ous: set[str], *, creating: bool) -> set[str]:
    """The accounts a group of DeploymentTargets reaches: those under its OUs, narrowed or widened
    by Accounts as AccountFilterType says ("DeploymentTargets", CloudFormation API Reference:
    INTERSECTION only the listed accounts in the OUs, DIFFERENCE the OUs' accounts but those,
    UNION both, NONE the OUs'). On create, Accounts with OUs needs a filter type, and the
    StackSet resource refuses UNION (AWS::CloudFormation::StackSet DeploymentTargets)."""
    accounts, kind = set(deployment.get("Accounts", [])), deployment.get("AccountFilterType", "NONE")
    if creating and accounts and deployment.get("OrganizationalUnitIds") and "AccountFilterType" not in deployment:
        raise EmulationError(f"StackSet {stack_set}: DeploymentTargets gives OrganizationalUnitIds and Accounts without AccountFilterType")
    if creating and kind == "UNION":
        raise EmulationError(f"StackSet {stack_set}: AccountFilterType UNION is not supported when a StackSet resource is created")
    if kind == "INTERSECTION":
        return under_ous & accounts
    if kind == "DIFFERENCE":
        return under_ous - accounts
    if kind == "UNION":
        return under_ous | accounts
    return under_ous


def instance_stack_name(stack_set_name: str, region: str) -> str:
    """The stack of an instance. Stacks are regional and AWS names each instance's stack apart
    (StackSet-<StackSet name>-<ID>); the emulator keeps stacks by account and name, so the
    region stands for the ID."""
    return f"StackSet-{stack_set_name}-{region}"


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
        changed = self._reconcile(ctx, new, previous=old)
        # A change of its own properties is an update of the StackSet even where the instances
        # stay as they were (new deployment targets reaching the same accounts, for one).
        return Result(physical_id, {"StackSetId": physical_id}, ref=physical_id, changed=changed or old != new)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        instances = sorted(self._instances(ctx, props["StackSetName"]))
        _authorize(ctx, props["StackSetName"], json.loads(props["TemplateBody"]), None, "delete", instances)
        for account_id, region in instances:
            stack = instance_stack_name(props["StackSetName"], region)
            ctx.engine.deploy(stack, {"Resources": {}}, assume(account_id, region=region))
            ctx.engine.forget(account_id, stack)

    def _targets(self, ctx: Context, props: dict[str, Any], *, creating: bool) -> set[tuple[str, str]]:
        organizations = ctx.aws.client("organizations")
        targets = set()
        for group in props.get("StackInstancesGroup", []):
            deployment = group["DeploymentTargets"]
            under_ous = {a for parent in deployment.get("OrganizationalUnitIds", []) for a in _accounts_under(organizations, parent)}
            accounts = _filtered(props["StackSetName"], deployment, under_ous, creating=creating) - {MANAGEMENT_ACCOUNT_ID}
            targets |= {(account_id, region) for account_id in accounts for region in group["Regions"]}
        return targets

    @staticmethod
    def _instances(ctx: Context, stack_set_name: str) -> set[tuple[str, str]]:
        instances: set[tuple[str, str]] = ctx.engine.instances.get(stack_set_name, set())
        return instances

    def _reconcile(self, ctx: Context, props: dict[str, Any], previous: dict[str, Any] | None) -> bool:
        """Make the stack instances match the targets. Returns whether anything changed."""
        name = props["StackSetName"]
        try:
            template = json.loads(props["TemplateBody"])
        except (KeyError, TypeError, json.JSONDecodeError) as error:
            raise EmulationError(f"StackSet {name}: TemplateBody is not a JSON template ({error})") from None
        parameters = {p["ParameterKey"]: p["ParameterValue"] for p in props.get("Parameters", [])}
        previous_template = json.loads(previous["TemplateBody"]) if previous is not None else None
        current = self._instances(ctx, name)
        wanted = self._targets(ctx, props, creating=previous is None)
        if previous is not None and not props.get("AutoDeployment", {}).get("Enabled") and props == previous:
            wanted = current  # without auto-deployment, AWS leaves new accounts alone
        template_changed = (
            previous is None
            or previous.get("TemplateBody") != props["TemplateBody"]
            or previous.get("Parameters") != props.get("Parameters")
        )
        retain = props.get("AutoDeployment", {}).get("RetainStacksOnAccountRemoval", False)
        deploying = [target for target in sorted(wanted) if target not in current or template_changed]
        _authorize(ctx, name, template, None, "create", [t for t in deploying if t not in current])
        _authorize(ctx, name, template, previous_template, "update", [t for t in deploying if t in current])
        # An instance removed holds the template it was deployed with.
        _authorize(ctx, name, previous_template or template, None, "delete", [] if retain else sorted(current - wanted))
        for account_id, region in deploying:
            ctx.engine.deploy(instance_stack_name(name, region), template, assume(account_id, region=region), parameters)
        for account_id, region in sorted(current - wanted):
            if not retain:
                ctx.engine.deploy(instance_stack_name(name, region), {"Resources": {}}, assume(account_id, region=region))
            ctx.engine.forget(account_id, instance_stack_name(name, region))
        ctx.engine.instances[name] = wanted
        return template_changed or wanted != current


HANDLERS: dict[str, Handler] = {"AWS::CloudFormation::StackSet": StackSet()}
