"""Resource handlers by CloudFormation type. A type missing here is refused by the engine."""

from orgboot.emulator.handlers import (
    configuration,
    custom_aws,
    iam,
    identity_center,
    kms,
    lambda_backed,
    lambda_function,
    logging,
    monitoring,
    organizations,
    parameters,
    security_services,
    stack_sets,
)
from orgboot.emulator.handlers.base import Handler, Inert, Result

HANDLERS: dict[str, Handler] = {
    "AWS::CDK::Metadata": Inert(),  # CDK's version reporting: nothing to emulate
    "AWS::CloudFormation::WaitConditionHandle": Inert(),  # a placeholder, in a stack with nothing else yet
    **organizations.HANDLERS,
    **iam.HANDLERS,
    **lambda_function.HANDLERS,
    **custom_aws.HANDLERS,
    **lambda_backed.HANDLERS,
    **monitoring.HANDLERS,
    **logging.HANDLERS,
    **kms.HANDLERS,
    **stack_sets.HANDLERS,
    **configuration.HANDLERS,
    **parameters.HANDLERS,
    **security_services.HANDLERS,
    **identity_center.HANDLERS,
}


def handler_for(resource_type: str) -> Handler | None:
    """The handler of a type, or None. Custom::<Name> is any name a template gives a custom
    resource (CloudFormation User Guide, AWS::CloudFormation::CustomResource); CDK's Custom::AWS
    has its own handler."""
    if resource_type in HANDLERS:
        return HANDLERS[resource_type]
    return lambda_backed.LAMBDA_BACKED if resource_type.startswith("Custom::") else None


__all__ = ["HANDLERS", "Handler", "Result", "handler_for"]
