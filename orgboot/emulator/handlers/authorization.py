"""Whether a function's execution role may make an AWS API call, by the policy evaluator."""

from orgboot.aws.sdk_permissions import UnknownPermissions, required_actions
from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID, management
from orgboot.emulator.errors import EmulationError
from orgboot.emulator.handlers.base import Context
from orgboot.emulator.handlers.lambda_function import DeployedFunction
from orgboot.policy.evaluation import Applicable, Request, evaluate
from orgboot.policy.matching import Caller
from orgboot.policy.statements import PolicyRef, parse
from orgboot.state.iam_policies import identity_documents
from orgboot.state.organization import Organization, read_organization


class AccessDenied(EmulationError):
    pass


def authorize(ctx: Context, role_arn: str, service: str, operation: str) -> None:
    """Refuse the call unless the role may make it: every IAM action the call needs
    (orgboot/aws/sdk_permissions.py) against the role's policies, and, for a function a StackSet
    deployed into a member account, under that account's SCPs and RCPs (an ordinary role: only the
    management account and service-linked roles are beyond them, policy evaluation facts 28-30,
    43), in the region the function runs in. orgboot's calls act on "*"."""
    role_name = role_arn.rsplit("/", 1)[-1]
    documents = identity_documents(ctx.aws.client("iam"), "role", role_name)
    policies = tuple(parse(document, PolicyRef(name, "identity", f"role {role_name}")) for name, document in documents)
    caller = Caller(role_arn, ctx.aws.account_id, "role")
    try:
        needed = required_actions(service, operation)
    except UnknownPermissions as error:
        raise EmulationError(str(error)) from None
    organization, context = None, {}
    if ctx.aws.account_id != MANAGEMENT_ACCOUNT_ID:
        read = organization_of(ctx)
        organization, context = read.policies_for([ctx.aws.account_id]), read.own_request_context(ctx.aws.account_id)
    for action in needed:
        request = Request(caller, action, context={**context, "aws:RequestedRegion": ctx.aws.region})
        decision = evaluate(request, Applicable(identity=policies), organization)
        if not decision.allowed:
            raise AccessDenied(
                f"AccessDenied: {role_arn} is not authorized to perform: {action} on resource: *"
                f" ({service}.{operation} needs it): {decision.why}"
            )


def deployed_function(ctx: Context, service_token: str) -> DeployedFunction:
    function: DeployedFunction | None = ctx.engine.functions.get(service_token)
    if function is None:
        raise EmulationError(f"ServiceToken {service_token} is not a Lambda function deployed before this resource")
    return function


def organization_of(ctx: Context) -> Organization:
    """The organization, read once per stack deploy (Engine.organization)."""
    if ctx.engine.organization is None:
        organizations = management(endpoint_url=ctx.aws.endpoint_url).client("organizations")
        ctx.engine.organization = read_organization(organizations, tags_wanted=False)
    organization: Organization = ctx.engine.organization
    return organization
