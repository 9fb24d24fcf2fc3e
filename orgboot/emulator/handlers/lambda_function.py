"""AWS::Lambda::Function. The only functions orgboot deploys are CDK's custom-resource providers;
the emulator performs their work itself (see custom_aws.py), so a function is recorded, not run:
its execution role, whose policies decide what the function may do."""

from typing import Any

from orgboot.aws.regions import PARTITION
from orgboot.emulator.handlers.base import Context, Handler, Result


class Function(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        name = props.get("FunctionName") or ctx.generated_name()
        arn = f"arn:{PARTITION}:lambda:{ctx.aws.region}:{ctx.aws.account_id}:function:{name}"
        ctx.engine.function_roles[arn] = props["Role"]
        return Result(name, {"Arn": arn})

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        return self.create(ctx, new)


HANDLERS: dict[str, Handler] = {"AWS::Lambda::Function": Function()}
