"""Resource handlers by CloudFormation type. A type missing here is refused by the engine."""

from orgboot.emulator.handlers import custom_aws, iam, lambda_function, logging, monitoring, organizations, stack_sets
from orgboot.emulator.handlers.base import Handler, Inert, Result

HANDLERS: dict[str, Handler] = {
    "AWS::CDK::Metadata": Inert(),  # CDK's version reporting: nothing to emulate
    **organizations.HANDLERS,
    **iam.HANDLERS,
    **lambda_function.HANDLERS,
    **custom_aws.HANDLERS,
    **monitoring.HANDLERS,
    **logging.HANDLERS,
    **stack_sets.HANDLERS,
}

__all__ = ["HANDLERS", "Handler", "Result"]
