"""Systems Manager parameters (AWS::SSM::Parameter): orgboot keeps the record of the deployed spec
in one (constructs/deployed_spec.py). Ref is the parameter's name (CloudFormation Template
Reference, AWS::SSM::Parameter, "Return values"); Name is create-only (its provider schema)."""

from typing import Any

from orgboot.emulator.handlers.base import Context, Handler, Result


class Parameter(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        name = props.get("Name") or ctx.generated_name(2048)
        self._put(ctx, name, props, overwrite=False)
        return Result(name, {"Type": props["Type"], "Value": props["Value"]})

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        self._put(ctx, physical_id, new, overwrite=True)
        return Result(physical_id, {"Type": new["Type"], "Value": new["Value"]})

    @staticmethod
    def _put(ctx: Context, name: str, props: dict[str, Any], *, overwrite: bool) -> None:
        extra = {"Description": props["Description"]} if "Description" in props else {}
        ctx.aws.client("ssm").put_parameter(Name=name, Value=props["Value"], Type=props["Type"], Overwrite=overwrite, **extra)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("ssm").delete_parameter(Name=physical_id)


HANDLERS = {"AWS::SSM::Parameter": Parameter()}
