"""AWS::Lambda::Function: recorded, not run here. CDK's AwsCustomResource provider is performed by
the emulator itself (custom_aws.py); functions with inline code are run when a custom resource
invokes them (lambda_backed.py). Either way the execution role decides what the function may do."""

from dataclasses import dataclass
from typing import Any

from orgboot.aws.regions import PARTITION
from orgboot.emulator.handlers.base import Context, Handler, Result


@dataclass(frozen=True)
class DeployedFunction:
    arn: str
    role_arn: str
    handler: str | None  # "module.function"
    inline_code: str | None  # the ZipFile source, when the code is in the template
    timeout_seconds: int


class Function(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        name = props.get("FunctionName") or ctx.generated_name()
        arn = f"arn:{PARTITION}:lambda:{ctx.aws.region}:{ctx.aws.account_id}:function:{name}"
        ctx.engine.functions[arn] = DeployedFunction(
            arn=arn,
            role_arn=props["Role"],
            handler=props.get("Handler"),
            inline_code=props.get("Code", {}).get("ZipFile"),
            # AWS::Lambda::Function Timeout: "The default is 3 seconds" (CloudFormation reference).
            timeout_seconds=int(props.get("Timeout", 3)),
        )
        return Result(name, {"Arn": arn})

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        return self.create(ctx, new)


HANDLERS: dict[str, Handler] = {"AWS::Lambda::Function": Function()}
