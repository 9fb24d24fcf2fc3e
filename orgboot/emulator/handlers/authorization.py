"""Whether a function's execution role may make an AWS API call, by the policy evaluator."""

from orgboot.aws.sdk_permissions import UnknownPermissions, required_actions
from orgboot.emulator.errors import EmulationError
from orgboot.emulator.handlers.base import Context
from orgboot.emulator.handlers.lambda_function import DeployedFunction
from orgboot.policy.evaluation import Applicable, Request, evaluate
from orgboot.policy.matching import Caller
from orgboot.policy.statements import PolicyRef, parse
from orgboot.state.iam_policies import identity_documents


class AccessDenied(EmulationError):
    pass


def authorize(ctx: Context, role_arn: str, service: str, operation: str) -> None:
    """Refuse the call unless the role may make it: every IAM action the call needs
    (orgboot/aws/sdk_permissions.py) against the role's policies. Functions run in the management
    account, which SCPs and RCPs do not restrict (policy evaluation facts 28, 43), and orgboot's
    calls act on "*"."""
    role_name = role_arn.rsplit("/", 1)[-1]
    documents = identity_documents(ctx.aws.client("iam"), "role", role_name)
    policies = tuple(parse(document, PolicyRef(name, "identity", f"role {role_name}")) for name, document in documents)
    caller = Caller(role_arn, ctx.aws.account_id, "role")
    try:
        needed = required_actions(service, operation)
    except UnknownPermissions as error:
        raise EmulationError(str(error)) from None
    for action in needed:
        decision = evaluate(Request(caller, action), Applicable(identity=policies))
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
