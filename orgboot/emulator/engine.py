"""Applies CloudFormation templates to the emulated AWS the way CloudFormation would: resources in
dependency order, updates in place or by replacement, removed resources deleted unless retained.
State is kept per stack, so deploying a changed assembly again behaves like a stack update.

A deploy that fails ends as CloudFormation's would (User Guide, "View CloudFormation stack events":
stack status codes). With rollback (CloudFormation's default, a plain `cdk deploy`) a failed
create deletes what it created, except what is retained (DeletionPolicy Retain), which leaves the
stack and stays in AWS (ROLLBACK_COMPLETE; ROLLBACK_FAILED when a delete fails); a failed update
returns to the previous template (UPDATE_ROLLBACK_COMPLETE; UPDATE_ROLLBACK_FAILED when that fails).
Without rollback (DisableRollback, `cdk deploy --no-rollback`, what `orgboot deploy` runs: User
Guide, "Choose how to handle failures when provisioning resources") the stack stays CREATE_FAILED or
UPDATE_FAILED, holding what succeeded, and the next deploy resumes from there."""

import copy
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from botocore.exceptions import ClientError, ParamValidationError

from orgboot.aws.quotas import ACCOUNTS_PER_ORGANIZATION_DEFAULT
from orgboot.aws.regions import PARTITION
from orgboot.emulator import apis, schemas
from orgboot.emulator.aws import AwsAccount
from orgboot.emulator.clock import EmulatedClock
from orgboot.emulator.errors import EmulationError
from orgboot.emulator.handlers import handler_for
from orgboot.emulator.handlers.lambda_function import DeployedFunction
from orgboot.emulator.iam_propagation import IamPropagation
from orgboot.emulator.ordering import log_group_races, unordered_writes, waits_for
from orgboot.emulator.policy_types import PolicyTypeActivations
from orgboot.emulator.template import Resolver, dependencies, deployment_order
from orgboot.state.organization import Organization


@dataclass
class DeployedResource:
    type: str
    physical_id: str
    attributes: dict[str, Any]
    properties: dict[str, Any]
    deletion_policy: str
    update_replace_policy: str
    generation: int = 0  # 0 for the first physical resource, +1 for each replacement
    metadata: dict[str, Any] = field(default_factory=dict)  # the template's Metadata attribute, as DescribeStackResource gives it


@dataclass(frozen=True)
class Event:
    stack: str
    logical_id: str
    type: str
    action: str  # CREATE, UPDATE, REPLACE, DELETE, RETAIN; IMPORT (orgboot/emulator/importing.py)
    account_id: str


@dataclass
class StackState:
    resources: dict[str, DeployedResource] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    # The template and parameter values of the last deploy or import, as GetTemplate and
    # DescribeStacks give them: what the CDK CLI's importer builds an import on.
    template: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    status: str = ""  # CloudFormation's stack status after the last operation: CREATE_COMPLETE, ROLLBACK_COMPLETE, ...
    exports: tuple[str, ...] = ()  # the names its outputs export


# Stack statuses a stack cannot be updated from, with what to do instead. CloudFormation refuses
# ("Stack:ARN is in ROLLBACK_COMPLETE state and can not be updated"): a stack whose creation rolled
# back can only be deleted; one whose update rollback failed must have its rollback continued
# (User Guide, "Continue rolling back an update": "You can't update a stack that is in the
# UPDATE_ROLLBACK_FAILED state"); one whose deletion failed, deleted again.
NOT_UPDATABLE = {
    "ROLLBACK_COMPLETE": "delete it, then deploy again (the CDK CLI does so itself)",
    "ROLLBACK_FAILED": "delete it, then deploy again (the CDK CLI does so itself)",
    "UPDATE_ROLLBACK_FAILED": "continue its rollback (aws cloudformation continue-update-rollback, skipping with"
    " --resources-to-skip what cannot roll back), then deploy again",
    "DELETE_FAILED": "delete it again, retaining what cannot be deleted (--retain-resources)",
}


@dataclass(frozen=True)
class _Before:
    """A stack as it was before an operation: what a rollback returns it to."""

    resources: dict[str, DeployedResource]
    outputs: dict[str, Any]
    template: dict[str, Any]
    parameters: dict[str, Any]
    status: str

    @classmethod
    def of(cls, state: StackState) -> "_Before":
        # Copies: an operation changes some records in place (a new DeletionPolicy, new Metadata).
        resources = {logical_id: replace(resource) for logical_id, resource in state.resources.items()}
        return cls(resources, dict(state.outputs), state.template, dict(state.parameters), state.status)


class Engine:
    """Deploys templates; one Engine is one emulated CloudFormation, in every account it touches."""

    def __init__(
        self,
        on_event: Callable[[Event], None] | None = None,
        *,
        account_quota: int | None = ACCOUNTS_PER_ORGANIZATION_DEFAULT,
        finalizing_new_organization: bool = False,
    ) -> None:
        """`account_quota`: the accounts the organization may hold, the management account included
        (Service Quotas L-E619E033: orgboot/aws/quotas.py); AWS's default unless the quota was raised;
        None enforces none (a plan that cannot know the organization's quota). With
        `finalizing_new_organization`, CreateAccount fails with FinalizingOrganizationException within
        the stack deploy that created the organization, as it may for up to an hour in AWS."""
        self.stacks: dict[tuple[str, str], StackState] = {}  # (account, stack name)
        self.exports: dict[str, Any] = {}
        self.events: list[Event] = []
        # What the emulator did besides the templates, for whoever deploys to say (identity_center.py's stand-ins).
        self.notes: list[str] = []
        self.stack_sets_trusted_access = False  # set by the emulated ActivateOrganizationsAccess
        self.instances: dict[str, set[tuple[str, str]]] = {}  # StackSet name -> (account, region)
        self.functions: dict[str, DeployedFunction] = {}  # by ARN
        self._generations: dict[tuple[str, str, str], int] = {}  # (account, stack, logical ID) -> the next physical resource's
        self.clock = EmulatedClock()  # advanced by the sleeps of inline functions (clock.py)
        self.policy_type_activations = PolicyTypeActivations(self.clock)
        self.iam_propagation = IamPropagation(self.clock)
        self.account_emails: dict[str, str] | None = None  # lower-case email -> account ID, read once per deploy
        # The organization as read for authorizing calls in member accounts, once per stack deploy
        # (handlers/authorization.py): its policies do not change while a stack other than
        # OrganizationStack deploys.
        self.organization: Organization | None = None
        self._depth = 0  # stacks being deployed: StackSet instances deploy within their StackSet's stack
        self.account_quota = account_quota
        self.finalizing_new_organization = finalizing_new_organization
        self._deploys = 0  # stack deploys started (StackSet instances deploy within their StackSet's)
        self._organization_created_in: int | None = None  # the stack deploy that created the organization
        self._on_event = on_event or (lambda event: None)

    def deploy(
        self,
        stack_name: str,
        template: Mapping[str, Any],
        aws: AwsAccount,
        parameters: Mapping[str, Any] | None = None,
        *,
        rollback: bool = False,
    ) -> StackState:
        """Create or update the stack with `template`. `rollback`: a failure rolls the stack back, as
        a plain `cdk deploy` has CloudFormation do; without it the stack keeps what succeeded, as
        `cdk deploy --no-rollback` (orgboot deploy) has it. The error says how the stack ended."""
        if not self._depth:
            self._deploys += 1
        self._depth += 1
        try:
            return self._deploy(stack_name, template, aws, parameters or {}, rollback)
        finally:
            self._depth -= 1
            if not self._depth:  # time passes between stack deploys: asynchronous changes are done
                self.policy_type_activations.settle()
                self.iam_propagation.settle()
                apis.settle()
                self.account_emails = None  # the organization may change between deploys
                self.organization = None

    def _resolver(self, state: StackState, stack_name: str, template: Mapping[str, Any], aws: AwsAccount) -> Resolver:
        """Resolves the template's intrinsics against `state` as it is when they are resolved."""
        return Resolver(
            pseudo=pseudo_parameters(stack_name, aws),
            parameters=state.parameters,
            ref=lambda lid: self._deployed(state, stack_name, lid).attributes["Ref"],
            get_att=lambda lid, attr: self._attribute(state, stack_name, lid, attr),
            import_value=self._import,
            stack_output=lambda stack, region, output: self._stack_output(aws.account_id, stack, output),
            conditions=template.get("Conditions"),
        )

    def _deploy(
        self, stack_name: str, template: Mapping[str, Any], aws: AwsAccount, parameters: Mapping[str, Any], rollback: bool
    ) -> StackState:
        key = (aws.account_id, stack_name)
        existing = self.stacks.get(key)
        if existing is not None and existing.status in NOT_UPDATABLE:
            raise EmulationError(
                f"Stack:{stack_arn(stack_name, aws)} is in {existing.status} state and can not be updated: {NOT_UPDATABLE[existing.status]}"
            )
        state = existing or StackState()
        resources = template.get("Resources", {})
        values = self._parameters(stack_name, template, parameters)
        order, graph = deployment_order(resources), dependencies(resources)
        if race := log_group_races(resources, graph):
            raise EmulationError(
                f"{stack_name}: {race[0]} may run its provider function before {race[1]} exists; the function then creates"
                f" its log group itself and {race[1]} fails (ResourceAlreadyExistsException). Make {race[0]} depend on {race[1]}"
            )
        if unordered := unordered_writes(resources, order, graph):
            raise EmulationError(
                f"{stack_name}: {unordered[0]} and {unordered[1]} both change the organization and nothing orders them:"
                " CloudFormation may run them at once, and Organizations refuses concurrent changes"
                f" (ConcurrentModificationException). Make {unordered[1]} depend on {unordered[0]}"
            )
        before = _Before.of(state)
        state.parameters = values
        self.stacks[key] = state
        resolver = self._resolver(state, stack_name, template, aws)
        replaced: list[tuple[str, DeployedResource]] = []
        applied: list[str] = []  # in the order they were applied; the last one may have failed
        updating: dict[str, dict[str, Any]] = {}  # the properties each resource's update was called with
        try:
            for logical_id in order:
                definition = resources[logical_id]
                if "Condition" in definition and not resolver.condition(definition["Condition"]):
                    continue
                applied.append(logical_id)
                with _failing(stack_name, logical_id, definition.get("Type")):
                    replaced += self._apply(stack_name, state, logical_id, definition, resolver, aws, graph, updating)
            declared = template.get("Outputs", {})
            outputs = {name: resolver.resolve(output["Value"]) for name, output in declared.items()}
            exports = {resolver.resolve(output["Export"]["Name"]): outputs[name] for name, output in declared.items() if "Export" in output}
        except EmulationError as failure:
            if not rollback:
                # "Preserve successfully provisioned resources": the stack keeps what succeeded, and
                # the next deploy resumes from the point where the problem occurred (User Guide,
                # "Choose how to handle failures when provisioning resources").
                state.status, state.template = "CREATE_FAILED" if existing is None else "UPDATE_FAILED", dict(template)
                raise
            outcome = self._roll_back(stack_name, state, before, applied, updating, graph, aws, created=existing is None)
            state.template = dict(template) if existing is None else before.template
            raise EmulationError(f"{failure} ({outcome})") from None

        state.status = "CREATE_COMPLETE" if existing is None else "UPDATE_COMPLETE"
        state.outputs, state.exports = outputs, tuple(exports)
        self.exports.update(exports)
        state.template = dict(template)  # never changed here: current_template gives copies

        # Cleanup, as CloudFormation does after a successful update (UPDATE_COMPLETE_CLEANUP_IN_PROGRESS:
        # past rolling back): removed resources in reverse order, then the old halves of replacements.
        # A resource is deleted before what it depends on ("Resource A is deleted before resource B",
        # Template Reference, "DependsOn attribute"), and a removed resource's dependencies are those
        # of the template it was deployed with, whatever the order the resources were created in.
        deployed = [lid for lid in deployment_order(before.template.get("Resources", {})) if lid in before.resources]
        deployed += [lid for lid in before.resources if lid not in deployed]
        removed = [(lid, before.resources[lid]) for lid in reversed(deployed) if lid not in resources]
        for logical_id, resource in removed:
            with _failing(stack_name, logical_id, resource.type):
                self._remove(stack_name, logical_id, resource, resource.deletion_policy, aws)
            del state.resources[logical_id]
        # The old halves go last first, as removed resources do: an old resource that depended on
        # another replaced one (an assignment on a replaced permission set) before what it depended on.
        for logical_id, resource in reversed(replaced):
            with _failing(stack_name, logical_id, resource.type):
                self._remove(stack_name, logical_id, resource, resource.update_replace_policy, aws)
        return state

    def _roll_back(
        self,
        stack_name: str,
        state: StackState,
        before: _Before,
        applied: list[str],
        updating: Mapping[str, dict[str, Any]],
        graph: Mapping[str, set[str]],
        aws: AwsAccount,
        *,
        created: bool,
    ) -> str:
        """Return the stack to what it was, undoing what this deploy did, last first, as CloudFormation
        rolls back: a resource it created is deleted, unless retained (DeletionPolicy Retain: "keeps
        the resource ... when its stack is deleted", and RetainExceptOnCreate exists because Retain
        keeps resources created by the operation that rolls back: CloudFormation Template
        Reference, "DeletionPolicy attribute"), when it leaves the stack and stays in AWS; the new
        half of a replacement is deleted and the old one kept; an update, the failed one included,
        is updated back. What cannot be undone stays as it is, with what it depends on, and the
        rollback fails. Says how the stack ended."""
        kept: set[str] = set()
        problems: list[str] = []
        retained: list[str] = []
        for logical_id in reversed(applied):
            now, then = state.resources.get(logical_id), before.resources.get(logical_id)
            if logical_id in kept or now is None:
                continue  # kept for what depends on it, or nothing was created
            try:
                with _failing(stack_name, logical_id, now.type):
                    if then is None or now.physical_id != then.physical_id:
                        policy = "Delete" if now.deletion_policy == "RetainExceptOnCreate" else now.deletion_policy
                        self._remove(stack_name, logical_id, now, policy, aws)
                        retained += [logical_id] if policy == "Retain" else []
                    elif logical_id in updating:
                        handler = handler_for(now.type)
                        assert handler is not None  # it updated the resource
                        context = _Context(self, aws, stack_name, logical_id, now.type, then.generation, graph)
                        handler.update(context, then.physical_id, updating[logical_id], then.properties)
                        self._record(Event(stack_name, logical_id, now.type, "UPDATE", aws.account_id))
            except EmulationError as error:
                problems.append(str(error))
                kept |= _with_dependencies(logical_id, graph)
                continue
            if then is None:
                del state.resources[logical_id]
            else:
                state.resources[logical_id] = then
        if created:
            state.outputs, state.exports = {}, ()
            state.status = "ROLLBACK_FAILED" if problems else "ROLLBACK_COMPLETE"
        else:
            state.outputs, state.parameters = dict(before.outputs), dict(before.parameters)
            state.status = "UPDATE_ROLLBACK_FAILED" if problems else "UPDATE_ROLLBACK_COMPLETE"
        outcome = f"rolled back: {stack_name} is {state.status}"
        if retained:
            outcome += f"; retained, now outside the stack: {', '.join(retained)}"
        if problems:
            outcome += f"; the rollback failed: {'; '.join(problems)}"
        return outcome

    def organization_created(self) -> None:
        """The Organization handler created the organization, in the stack deploy under way."""
        self._organization_created_in = self._deploys

    def organization_finalizing(self) -> bool:
        """Whether Organizations still finalizes the organization (FinalizingOrganizationException),
        when the emulator was asked to model it: within the stack deploy that created it."""
        return self.finalizing_new_organization and self._organization_created_in == self._deploys

    def stack_status(self, account_id: str, stack_name: str) -> str | None:
        """The stack's status, as DescribeStacks gives it; None for a stack that does not exist."""
        state = self.stacks.get((account_id, stack_name))
        return state.status if state else None

    def delete_stack(self, stack_name: str, aws: AwsAccount, retain_resources: Iterable[str] = ()) -> None:
        """DeleteStack: the stack's resources deleted, last first, each as its DeletionPolicy says. A
        resource that cannot be deleted stays, with what it depends on, and the stack is DELETE_FAILED;
        `retain_resources` (logical IDs) then leave the stack as they are, "for stacks in the
        DELETE_FAILED state" only (CloudFormation API Reference, DeleteStack RetainResources). A stack
        that does not exist: nothing to do."""
        key = (aws.account_id, stack_name)
        if (state := self.stacks.get(key)) is None:
            return
        retain = set(retain_resources)
        if retain and state.status != "DELETE_FAILED":
            raise EmulationError(
                f"{stack_name} is {state.status}: RetainResources is only for a stack in DELETE_FAILED; delete it without first"
            )
        if unknown := sorted(retain - state.resources.keys()):
            raise EmulationError(f"{stack_name} holds no resource {', '.join(unknown)} to retain (it holds: {', '.join(state.resources)})")
        template = state.template.get("Resources", {})
        graph = dependencies(template)
        order = [lid for lid in deployment_order(template) if lid in state.resources]
        order += [lid for lid in state.resources if lid not in order]
        kept: set[str] = set()
        problems: list[str] = []
        for logical_id in reversed(order):
            resource = state.resources[logical_id]
            if logical_id in kept:
                continue
            try:
                with _failing(stack_name, logical_id, resource.type):
                    self._remove(stack_name, logical_id, resource, "Retain" if logical_id in retain else resource.deletion_policy, aws)
            except EmulationError as error:
                problems.append(str(error))
                kept |= _with_dependencies(logical_id, graph)
                continue
            del state.resources[logical_id]
        if problems:
            state.status = "DELETE_FAILED"
            raise EmulationError(f"{stack_name} is DELETE_FAILED: {'; '.join(problems)}")
        del self.stacks[key]
        for name in state.exports:
            self.exports.pop(name, None)

    def import_resources(
        self, stack_name: str, template: Mapping[str, Any], aws: AwsAccount, identifiers: Mapping[str, str]
    ) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
        """Execute an IMPORT change set that importing.import_stack validated: read each resource
        of `identifiers` (logical ID -> its primary identifier's value, a compound one's values joined
        by "|") through its handler and hold
        it, as `template` describes it, in the stack. Returns, by logical ID, the resolved template
        properties and the live resource. All or nothing: a resource not found, or held by a stack
        already, fails the import and the stack stays as it was (IMPORT_ROLLBACK_COMPLETE)."""
        key = (aws.account_id, stack_name)
        current = self.stacks.get(key, StackState())
        staged = StackState(dict(current.resources), dict(current.outputs), copy.deepcopy(dict(template)), dict(current.parameters))
        resolver = self._resolver(staged, stack_name, template, aws)
        resources = template.get("Resources", {})
        imported: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        for logical_id in [lid for lid in deployment_order(resources) if lid in identifiers]:
            definition = resources[logical_id]
            resource_type = definition["Type"]
            with _failing(stack_name, logical_id, resource_type):
                handler, facts = handler_for(resource_type), schemas.import_facts(resource_type)
                assert handler is not None  # import_stack refuses types that cannot be imported
                assert facts is not None
                properties = resolver.resolve(definition.get("Properties", {}))
                # "The properties and configuration values for each resource to import adhere to the
                # resource type schema" (CloudFormation User Guide, "Resource import validation").
                if problems := schemas.violations(resource_type, properties):
                    raise EmulationError(f"Properties validation failed: {'; '.join(problems)}")
                context = _Context(self, aws, stack_name, logical_id, resource_type)
                live = handler.read(context, identifiers[logical_id])
                # The Organization's is the caller's, whatever the mapping said; a compound one is joined by "|".
                physical_id = "|".join(str(live[name]) for name in facts.identifier)
                if holder := self._holder(resource_type, physical_id, staged, key):
                    # "The resource to import does not belong to another stack" (ibid.), in CloudFormation's words.
                    raise EmulationError(f"{physical_id} already exists in stack {stack_arn(holder, aws)}")
                result = handler.result(context, physical_id)
                staged.resources[logical_id] = DeployedResource(
                    type=resource_type,
                    physical_id=result.physical_id,
                    attributes={"Ref": result.ref if result.ref is not None else result.physical_id, **result.attributes},
                    properties=properties,
                    deletion_policy=definition["DeletionPolicy"],
                    update_replace_policy=definition.get("UpdateReplacePolicy", "Delete"),
                    metadata=resolver.resolve(definition.get("Metadata", {})),
                )
                imported[logical_id] = (properties, live)
        staged.status = "IMPORT_COMPLETE"
        self.stacks[key] = staged
        for logical_id in imported:
            self._record(Event(stack_name, logical_id, resources[logical_id]["Type"], "IMPORT", aws.account_id))
        return imported

    def current_template(self, account_id: str, stack_name: str) -> dict[str, Any]:
        """The stack's template as GetTemplate gives it; {} for a stack that does not exist."""
        state = self.stacks.get((account_id, stack_name))
        return copy.deepcopy(state.template) if state else {}

    def _holder(self, resource_type: str, physical_id: str, staged: StackState, key: tuple[str, str]) -> str | None:
        """The stack (or this import itself) that holds the resource already, by name."""
        for (_, stack_name), state in [*((k, v) for k, v in self.stacks.items() if k != key), (key, staged)]:
            if any(r.type == resource_type and r.physical_id == physical_id for r in state.resources.values()):
                return stack_name
        return None

    def _apply(
        self,
        stack: str,
        state: StackState,
        logical_id: str,
        definition: Mapping[str, Any],
        resolver: Resolver,
        aws: AwsAccount,
        graph: Mapping[str, set[str]],
        updating: dict[str, dict[str, Any]],
    ) -> list[tuple[str, DeployedResource]]:
        """Create, update or replace one resource. `updating` gets the properties an update is
        called with, before it is: what a rollback updates the resource back from."""
        resource_type = definition.get("Type", "")
        handler = handler_for(resource_type)
        if handler is None:
            raise EmulationError(
                f"resource type {resource_type} is not supported by the emulator; add a handler in orgboot/emulator/handlers"
            )
        properties = resolver.resolve(definition.get("Properties", {}))
        if problems := schemas.violations(resource_type, properties):
            raise EmulationError(f"Properties validation failed: {'; '.join(problems)}")
        previous = state.resources.get(logical_id)
        # A resource created again after its delete is a new physical resource: CloudFormation
        # names it with a new random suffix ("Name type"), so it never meets what the old one
        # left behind (a retained log group named after the old function, for one).
        generation = previous.generation if previous else self._generations.get((aws.account_id, stack, logical_id), 0)
        context = _Context(self, aws, stack, logical_id, resource_type, generation, graph)
        replaced = []
        if previous is None:
            result, action = handler.create(context, properties), "CREATE"
        elif previous.type == resource_type and _same(previous.properties, properties) and not handler.reconcile_every_deploy:
            # The stack's template is the new one: its policies apply from now on (an imported
            # resource's Retain gives way to what the deployed template says).
            previous.deletion_policy = definition.get("DeletionPolicy", "Delete")
            previous.update_replace_policy = definition.get("UpdateReplacePolicy", "Delete")
            # A change of the Metadata attribute alone is an update of the resource's record, with no
            # call to its provider (a change set's ResourceTargetDefinition: Attribute Metadata).
            if (metadata := resolver.resolve(definition.get("Metadata", {}))) != previous.metadata:
                previous.metadata = metadata
                self._record(Event(stack, logical_id, resource_type, "UPDATE", aws.account_id))
            return []
        elif previous.type != resource_type:
            # "Update of resource type is not permitted. The new template modifies resource type of
            # the following resources" (CloudFormation's change set validation, as reported in
            # aws/aws-sam-cli#6786 and panther-labs/panther#1895).
            raise EmulationError(f"Update of resource type is not permitted ({previous.type} -> {resource_type}); use a new logical ID")
        elif changed := schemas.changed_create_only(resource_type, previous.properties, properties):
            if names := schemas.kept_names(resource_type, previous.properties, properties):
                raise EmulationError(
                    f"CloudFormation cannot update a stack when a custom-named resource requires replacing (create-only"
                    f" {', '.join(changed)} changed). Rename {', '.join(names)} and update the stack again"
                )
            context = replace(context, generation=context.generation + 1)
            result, action = handler.create(context, properties), "REPLACE"
            replaced.append((logical_id, previous))
        else:
            updating[logical_id] = properties
            result, action = handler.update(context, previous.physical_id, previous.properties, properties), "UPDATE"
        if not result.changed:
            return replaced
        self._generations[(aws.account_id, stack, logical_id)] = context.generation + 1
        state.resources[logical_id] = DeployedResource(
            type=resource_type,
            physical_id=result.physical_id,
            attributes={"Ref": result.ref if result.ref is not None else result.physical_id, **result.attributes},
            properties=properties,
            deletion_policy=definition.get("DeletionPolicy", "Delete"),
            update_replace_policy=definition.get("UpdateReplacePolicy", "Delete"),
            generation=context.generation,
            metadata=resolver.resolve(definition.get("Metadata", {})),
        )
        # A StackSet reconciled for accounts that joined its OUs is auto-deployment at work, not an
        # update of the resource: only its instances' events say what happened.
        if not (previous is not None and _same(previous.properties, properties)):
            self._record(Event(stack, logical_id, resource_type, action, aws.account_id))
        return replaced

    def _remove(self, stack: str, logical_id: str, resource: DeployedResource, policy: str, aws: AwsAccount) -> None:
        # RetainExceptOnCreate "behaves like Retain for stack operations, except for the stack
        # operation that initially created the resource" (DeletionPolicy attribute): _roll_back
        # gives Delete for that one.
        if policy in ("Retain", "RetainExceptOnCreate"):
            self._record(Event(stack, logical_id, resource.type, "RETAIN", aws.account_id))
            return
        handler = handler_for(resource.type)
        assert handler is not None  # it was created by one
        context = _Context(self, aws, stack, logical_id, resource.type, resource.generation)
        handler.delete(context, resource.physical_id, resource.properties)
        self._record(Event(stack, logical_id, resource.type, "DELETE", aws.account_id))

    def stack_resource(self, account_id: str, stack_name: str, logical_id: str) -> DeployedResource | None:
        """What DescribeStackResource tells of one resource of a deployed stack, or None."""
        state = self.stacks.get((account_id, stack_name))
        return state.resources.get(logical_id) if state else None

    def forget(self, account_id: str, stack_name: str) -> None:
        """Drop a stack that was emptied (a StackSet instance removed)."""
        self.stacks.pop((account_id, stack_name), None)

    def _record(self, event: Event) -> None:
        self.events.append(event)
        self._on_event(event)

    @staticmethod
    def _deployed(state: StackState, stack: str, logical_id: str) -> DeployedResource:
        if logical_id not in state.resources:
            raise EmulationError(f"reference to '{logical_id}', which is not a resource or parameter of {stack}")
        return state.resources[logical_id]

    def _attribute(self, state: StackState, stack: str, logical_id: str, attribute: str) -> Any:
        resource = self._deployed(state, stack, logical_id)
        if attribute not in resource.attributes:
            known = ", ".join(sorted(a for a in resource.attributes if a != "Ref")) or "none"
            raise EmulationError(f"{logical_id} ({resource.type}) has no attribute {attribute} (it has: {known})")
        return resource.attributes[attribute]

    def _import(self, name: str) -> Any:
        if name not in self.exports:
            raise EmulationError(f"no stack exports '{name}': deploy the exporting stack first")
        return self.exports[name]

    def _stack_output(self, account_id: str, stack: str, output: str) -> Any:
        """Fn::GetStackOutput, CDK's weak cross-stack reference: the producer's output as its last
        deploy left it, read when the consumer is created or updated ("The referenced value is
        resolved at stack create or update time. If the referenced stack or output is later deleted
        or modified, the consuming stack is not automatically updated or notified": CloudFormation
        Template Reference, Fn::GetStackOutput). An output the producer dropped cannot be read: the
        consumer's create or update fails ("if you delete the producer stack or remove the output,
        your consumer stack will fail on the next update": opscanary.com's digest of the AWS DevOps
        blog's Fn::GetStackOutput launch post). A consumer not deployed again keeps the values it read
        before, whatever the producer has deleted since: the engine leaves its resources as they are."""
        state = self.stacks.get((account_id, stack))
        if state is None:
            raise EmulationError(f"Fn::GetStackOutput: stack {stack} does not exist: deploy it first")
        if output not in state.outputs:
            raise EmulationError(
                f"Fn::GetStackOutput: stack {stack} has no output {output} (its last deploy dropped it, or never had it):"
                f" CloudFormation fails the update of a stack that reads it. Deploy this stack without the reference before"
                f" {stack} drops what the output named"
            )
        return state.outputs[output]

    @staticmethod
    def _parameters(stack: str, template: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
        """Parameter values as CloudFormation takes them: only the template's parameters, each
        given or defaulted, each within its constraints (CloudFormation User Guide, "Parameters")."""
        declared = template.get("Parameters", {})
        if unknown := sorted(set(given) - set(declared)):
            raise EmulationError(
                f"{stack}: Parameters: [{', '.join(unknown)}] do not exist in the template (it has: {', '.join(declared) or 'none'})"
            )
        values: dict[str, Any] = {}
        for name, definition in declared.items():
            if name in given:
                values[name] = given[name]
            elif "Default" in definition:
                values[name] = definition["Default"]
            else:
                raise EmulationError(f"{stack}: Parameters: [{name}] must have values")
            if problem := parameter_problem(name, definition, values[name]):
                raise EmulationError(f"{stack}: {problem}")
        return values


def pseudo_parameters(stack_name: str, aws: AwsAccount) -> dict[str, Any]:
    """CloudFormation's pseudo parameters in a stack of `aws`'s account and region."""
    return {
        "AWS::AccountId": aws.account_id,
        "AWS::Region": aws.region,
        "AWS::Partition": PARTITION,
        "AWS::URLSuffix": "amazonaws.com",
        "AWS::StackName": stack_name,
        "AWS::StackId": stack_arn(stack_name, aws),
        "AWS::NotificationARNs": [],
    }


def stack_arn(stack_name: str, aws: AwsAccount) -> str:
    return f"arn:{PARTITION}:cloudformation:{aws.region}:{aws.account_id}:stack/{stack_name}/emulated"


@contextmanager
def _failing(stack: str, logical_id: str, resource_type: Any) -> Iterator[None]:
    """Report a failure of one resource as CloudFormation does: which one, and the service's words."""
    try:
        yield
    except (EmulationError, ClientError, ParamValidationError) as error:
        raise EmulationError(f"{stack}/{logical_id} ({resource_type}): {error}") from None
    except NotImplementedError as error:  # moto's word for an API it does not serve
        raise EmulationError(
            f"{stack}/{logical_id} ({resource_type}): moto does not emulate this call ({error});"
            " AWS does, so this is a limit of the emulator, not of the template"
        ) from None


def parameter_problem(name: str, definition: Mapping[str, Any], value: Any) -> str | None:
    """What CloudFormation says of a value that breaks its parameter's constraints, or None."""
    try:
        return _parameter_problem(name, definition, str(value))
    except (ValueError, re.error) as error:  # a constraint that is itself malformed
        return f"Parameter '{name}' has a constraint CloudFormation cannot apply ({error})"


def _parameter_problem(name: str, definition: Mapping[str, Any], text: str) -> str | None:
    if definition.get("Type", "String") == "Number":
        try:
            number = float(text)
        except ValueError:
            return f"Parameter '{name}' must be a number"
        if "MinValue" in definition and number < float(definition["MinValue"]):
            return f"Parameter '{name}' must be a number not less than {definition['MinValue']}"
        if "MaxValue" in definition and number > float(definition["MaxValue"]):
            return f"Parameter '{name}' must be a number not greater than {definition['MaxValue']}"
    if "MinLength" in definition and len(text) < int(definition["MinLength"]):
        return f"Parameter '{name}' must contain at least {definition['MinLength']} characters"
    if "MaxLength" in definition and len(text) > int(definition["MaxLength"]):
        return f"Parameter '{name}' must contain at most {definition['MaxLength']} characters"
    if "AllowedPattern" in definition and not re.fullmatch(definition["AllowedPattern"], text):
        return f"Parameter '{name}' must match pattern {definition['AllowedPattern']}"
    if "AllowedValues" in definition and text not in [str(v) for v in definition["AllowedValues"]]:
        return f"Parameter '{name}' must be one of AllowedValues: {', '.join(map(str, definition['AllowedValues']))}"
    return None


@dataclass(frozen=True)
class _Context:
    """What a handler may use: the account it deploys into and the engine (for nested deploys)."""

    engine: Engine
    aws: AwsAccount
    stack_name: str
    logical_id: str
    resource_type: str
    generation: int = 0  # how many times this resource was created before (replacements)
    graph: Mapping[str, set[str]] = field(default_factory=dict)  # the stack's dependencies

    def waits_for(self, logical_id: str) -> bool:
        return waits_for(self.logical_id, logical_id, self.graph)

    def generated_name(self, limit: int = 64) -> str:
        """A name for a resource the template leaves unnamed, as CloudFormation makes one
        (CloudFormation User Guide, "Name type": the stack name, the logical ID and a random string):
        stack-logicalid-SUFFIX, a new suffix for each physical resource, so that a replacement
        never collides with the resource it replaces. Repeatable from run to run."""
        suffix = hashlib.sha256(f"{self.aws.account_id}/{self.stack_name}/{self.logical_id}/{self.generation}".encode())
        return f"{self.stack_name}-{self.logical_id}"[: limit - 14] + "-" + suffix.hexdigest()[:13].upper()


def _with_dependencies(logical_id: str, graph: Mapping[str, set[str]]) -> set[str]:
    """The resource and everything it depends on, directly or not: what stays while it stays."""
    found, pending = set(), [logical_id]
    while pending:
        if (current := pending.pop()) not in found:
            found.add(current)
            pending += graph.get(current, set())
    return found


def _same(old: Any, new: Any) -> bool:
    return json.dumps(old, sort_keys=True, default=str) == json.dumps(new, sort_keys=True, default=str)
