"""What CloudFormation may run at the same time, and what must not be: it runs every resource whose
dependencies are done at once.

Organizations refuses concurrent changes: "ConcurrentModificationException: The target of the
operation is currently being modified by a different request. Try again later." (Organizations
API Reference, common to its write operations), and accounts must be created one at a time
("If you include multiple accounts in a single template, you must use the DependsOn attribute on
each account resource type so that the accounts are created sequentially", CloudFormation
User Guide, AWS::Organizations::Account). CDK's AwsCustomResource does not retry, and the
Organizations resource providers retry little (the Policy provider twice, and not CreatePolicy:
BaseHandlerStd.isRetriableException in aws-cloudformation-resource-providers-organizations). So
orgboot's rule, stricter than AWS's words but the only safe one: every write to the organization in
a template waits for the one before it; the writes are totally ordered by the dependencies.

A Lambda function creates its log group /aws/lambda/<name> the first time it runs, if none exists
(Lambda Developer Guide, "Sending Lambda function logs to CloudWatch Logs"); a LogGroup resource of
that name created afterwards fails (CreateLogGroup: ResourceAlreadyExistsException). So whatever
invokes a function during the deploy (a custom resource's ServiceToken) must wait for its log group."""

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from orgboot.aws.sdk_permissions import UnknownPermissions, required_actions


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def _sdk_calls(properties: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(service, action) of a Custom::AWS resource's calls, read from the template as written
    (CDK serializes each call as JSON, possibly split around references by Fn::Join)."""
    for key in ("Create", "Update", "Delete"):
        text = "".join(_strings(properties.get(key)))
        service, action = re.search(r'"service":\s*"([^"]+)"', text), re.search(r'"action":\s*"([^"]+)"', text)
        if service and action:
            yield service.group(1), action.group(1)


def organization_writes(resource: Mapping[str, Any]) -> list[str]:
    """What a resource writes to the organization: its type for an Organizations resource, the
    Organizations write actions its calls need for a Custom::AWS resource (ActivateOrganizationsAccess
    of CloudFormation needs organizations:EnableAWSServiceAccess), nothing otherwise."""
    resource_type = str(resource.get("Type", ""))
    if resource_type.startswith("AWS::Organizations::"):
        return [resource_type]
    if resource_type != "Custom::AWS":
        return []
    found: list[str] = []
    for service, action in _sdk_calls(resource.get("Properties", {})):
        try:
            needed = required_actions(service, action)
        except UnknownPermissions:
            continue
        found += [a for a in needed if a.startswith("organizations:") and not a.split(":")[1].startswith(("List", "Describe"))]
    return sorted(set(found))


def writes_organization(resource: Mapping[str, Any]) -> bool:
    return bool(organization_writes(resource))


def unordered_writes(resources: Mapping[str, Mapping[str, Any]], order: list[str], graph: Mapping[str, set[str]]) -> tuple[str, str] | None:
    """Two writes to the organization that nothing orders, or None. Checking neighbours in
    deployment order is enough: if each write waits (directly or not) for the one before it, all
    are ordered."""
    writes = [logical_id for logical_id in order if writes_organization(resources[logical_id])]
    for earlier, later in zip(writes, writes[1:], strict=False):
        if not waits_for(later, earlier, graph):
            return earlier, later
    return None


def waits_for(resource: str, other: str, graph: Mapping[str, set[str]]) -> bool:
    seen: set[str] = set()
    stack = [resource]
    while stack:
        current = stack.pop()
        if other in graph[current]:
            return True
        for dependency in graph[current] - seen:
            seen.add(dependency)
            stack.append(dependency)
    return False


def log_group_races(resources: Mapping[str, Mapping[str, Any]], graph: Mapping[str, set[str]]) -> tuple[str, str] | None:
    """A custom resource that may invoke its provider function before the function's LogGroup
    resource exists, as (custom resource, log group), or None."""
    log_groups = {
        function: logical_id
        for logical_id, resource in resources.items()
        if resource.get("Type") == "AWS::Logs::LogGroup"
        for function in graph[logical_id]
        if resources[function].get("Type") == "AWS::Lambda::Function"
    }
    for logical_id, resource in resources.items():
        token = resource.get("Properties", {}).get("ServiceToken")
        function = token.get("Fn::GetAtt", [None])[0] if isinstance(token, dict) else None
        if function in log_groups and not waits_for(logical_id, log_groups[function], graph):
            return logical_id, log_groups[function]
    return None


def writes_of_stack(template: Mapping[str, Any]) -> dict[str, list[str]]:
    """What each resource of a template that writes to the organization writes, by logical ID."""
    resources = template.get("Resources", {})
    return {logical_id: writes for logical_id, resource in resources.items() if (writes := organization_writes(resource))}


def unordered_stack_writes(templates: Mapping[str, Mapping[str, Any]], dependencies: Mapping[str, Iterable[str]]) -> list[tuple[str, str]]:
    """Pairs of stacks of an assembly (by name: template, and the stacks its manifest says it
    depends on) that both write to the organization while neither depends directly on the other.

    The CDK CLI deploys at once, up to `--concurrency N`, every stack whose dependencies are all
    deployed (aws-cdk-cli, packages/@aws-cdk/toolkit-lib/lib/api/work-graph/work-graph.ts:
    updateReadyPool, forAllArtifacts), and first drops the dependencies on stacks it was not asked
    to deploy (removeUnavailableDependencies: `cdk deploy --exclusively A B`). Two writers are kept
    apart under every concurrency and every selection only when one depends directly on the other;
    otherwise Organizations may see both at once (ConcurrentModificationException)."""
    writers = sorted(name for name, template in templates.items() if writes_of_stack(template))
    direct = {name: set(dependencies.get(name, ())) for name in templates}
    return [
        (first, second)
        for index, first in enumerate(writers)
        for second in writers[index + 1 :]
        if first not in direct[second] and second not in direct[first]
    ]
