"""AWS::IAM::* against moto's IAM, in the account the stack deploys into."""

import json
from typing import Any

from moto.iam.models import iam_backends

from orgboot.emulator import managed_policies
from orgboot.emulator.errors import EmulationError
from orgboot.emulator.handlers.base import Context, Handler, Result


def _iam(ctx: Context) -> Any:
    return ctx.aws.client("iam")


def _document(document: Any) -> str:
    return document if isinstance(document, str) else json.dumps(document)


def _update_policies(ctx: Context, kind: str, name: str, old: dict[str, Any], new: dict[str, Any]) -> None:
    """Take a role's or group's managed and inline policies from `old` to `new` properties."""
    iam, key = _iam(ctx), {"role": "RoleName", "group": "GroupName"}[kind]
    old_arns, new_arns = set(old.get("ManagedPolicyArns", [])), set(new.get("ManagedPolicyArns", []))
    for arn in old_arns - new_arns:
        getattr(iam, f"detach_{kind}_policy")(**{key: name}, PolicyArn=arn)
    for arn in new_arns - old_arns:
        managed_policies.ensure_loaded(ctx.aws.account_id, arn)
        getattr(iam, f"attach_{kind}_policy")(**{key: name}, PolicyArn=arn)
    old_inline = {p["PolicyName"]: p["PolicyDocument"] for p in old.get("Policies", [])}
    new_inline = {p["PolicyName"]: p["PolicyDocument"] for p in new.get("Policies", [])}
    for policy in old_inline.keys() - new_inline.keys():
        getattr(iam, f"delete_{kind}_policy")(**{key: name}, PolicyName=policy)
    for policy, document in new_inline.items():
        if old_inline.get(policy) != document:
            getattr(iam, f"put_{kind}_policy")(**{key: name}, PolicyName=policy, PolicyDocument=_document(document))


class Role(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        iam = _iam(ctx)
        name = props.get("RoleName") or ctx.generated_name()
        request: dict[str, Any] = {
            "RoleName": name,
            "Path": props.get("Path", "/"),
            "AssumeRolePolicyDocument": _document(props["AssumeRolePolicyDocument"]),
            "Description": props.get("Description", ""),
            "MaxSessionDuration": int(props.get("MaxSessionDuration", 3600)),
            "Tags": props.get("Tags", []),
        }
        if "PermissionsBoundary" in props:
            request["PermissionsBoundary"] = props["PermissionsBoundary"]
        role = iam.create_role(**request)["Role"]
        _update_policies(ctx, "role", name, {}, props)
        return Result(name, {"Arn": role["Arn"], "RoleId": role["RoleId"]})

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        """In place, as the AWS::IAM::Role provider does (the role keeps its RoleId); the engine
        replaces it when a create-only property (RoleName, Path) changes."""
        iam = _iam(ctx)
        name = physical_id
        iam.update_role(RoleName=name, Description=new.get("Description", ""), MaxSessionDuration=int(new.get("MaxSessionDuration", 3600)))
        if old.get("AssumeRolePolicyDocument") != new.get("AssumeRolePolicyDocument"):
            iam.update_assume_role_policy(RoleName=name, PolicyDocument=_document(new["AssumeRolePolicyDocument"]))
        if "PermissionsBoundary" in new:
            iam.put_role_permissions_boundary(RoleName=name, PermissionsBoundary=new["PermissionsBoundary"])
        elif "PermissionsBoundary" in old:
            iam.delete_role_permissions_boundary(RoleName=name)
        _update_policies(ctx, "role", name, old, new)
        role = iam.get_role(RoleName=name)["Role"]
        return Result(name, {"Arn": role["Arn"], "RoleId": role["RoleId"]})

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        iam = _iam(ctx)
        for arn in props.get("ManagedPolicyArns", []):
            iam.detach_role_policy(RoleName=physical_id, PolicyArn=arn)
        for policy in iam.list_role_policies(RoleName=physical_id)["PolicyNames"]:
            iam.delete_role_policy(RoleName=physical_id, PolicyName=policy)
        iam.delete_role(RoleName=physical_id)


class InlinePolicy(Handler):
    """AWS::IAM::Policy: one inline policy put on each of its roles, groups and users."""

    KINDS = (("Roles", "role"), ("Groups", "group"), ("Users", "user"))

    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        iam = _iam(ctx)
        for key, kind in self.KINDS:
            for name in props.get(key, []):
                getattr(iam, f"put_{kind}_policy")(
                    **{f"{kind.title()}Name": name}, PolicyName=props["PolicyName"], PolicyDocument=_document(props["PolicyDocument"])
                )
        return Result(f"{ctx.stack_name}-{props['PolicyName']}")

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        self.delete(ctx, physical_id, old)
        return self.create(ctx, new)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        iam = _iam(ctx)
        for key, kind in self.KINDS:
            for name in props.get(key, []):
                getattr(iam, f"delete_{kind}_policy")(**{f"{kind.title()}Name": name}, PolicyName=props["PolicyName"])


class ManagedPolicy(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        iam = _iam(ctx)
        name = props.get("ManagedPolicyName") or ctx.generated_name(128)
        arn = iam.create_policy(
            PolicyName=name,
            Path=props.get("Path", "/"),
            PolicyDocument=_document(props["PolicyDocument"]),
            Description=props.get("Description", ""),
        )["Policy"]["Arn"]
        for key, kind in InlinePolicy.KINDS:
            for target in props.get(key, []):
                getattr(iam, f"attach_{kind}_policy")(**{f"{kind.title()}Name": target}, PolicyArn=arn)
        return Result(arn, {"PolicyArn": arn})

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        """In place, as the provider does (name, path and description are create-only): a new
        default version of the document (IAM keeps at most five versions of a customer managed policy:
        IAM User Guide, "Versioning IAM policies"), and the attachments moved."""
        iam = _iam(ctx)
        if old.get("PolicyDocument") != new.get("PolicyDocument"):
            for version in iam.list_policy_versions(PolicyArn=physical_id)["Versions"]:
                if not version["IsDefaultVersion"]:
                    iam.delete_policy_version(PolicyArn=physical_id, VersionId=version["VersionId"])
            iam.create_policy_version(PolicyArn=physical_id, PolicyDocument=_document(new["PolicyDocument"]), SetAsDefault=True)
        for key, kind in InlinePolicy.KINDS:
            for target in set(old.get(key, [])) - set(new.get(key, [])):
                getattr(iam, f"detach_{kind}_policy")(**{f"{kind.title()}Name": target}, PolicyArn=physical_id)
            for target in set(new.get(key, [])) - set(old.get(key, [])):
                getattr(iam, f"attach_{kind}_policy")(**{f"{kind.title()}Name": target}, PolicyArn=physical_id)
        return Result(physical_id, {"PolicyArn": physical_id})

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        """Detached first: IAM refuses to delete an attached policy (DeleteConflict), which the
        provider's delete handler therefore does; moto deletes it and keeps stale attachments."""
        iam = _iam(ctx)
        for key, kind in InlinePolicy.KINDS:
            for target in props.get(key, []):
                getattr(iam, f"detach_{kind}_policy")(**{f"{kind.title()}Name": target}, PolicyArn=physical_id)
        iam.delete_policy(PolicyArn=physical_id)


class Group(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        iam = _iam(ctx)
        name = props.get("GroupName") or ctx.generated_name(128)
        group = iam.create_group(GroupName=name, Path=props.get("Path", "/"))["Group"]
        _update_policies(ctx, "group", name, {}, props)
        return Result(name, {"Arn": group["Arn"]})

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        """In place: GroupName is the only create-only property of AWS::IAM::Group, Path is not."""
        iam = _iam(ctx)
        if old.get("Path", "/") != new.get("Path", "/"):
            iam.update_group(GroupName=physical_id, NewPath=new.get("Path", "/"))
            # moto 5.2 applies NewPath only together with NewGroupName: do what AWS does.
            iam_backends[ctx.aws.account_id]["aws"].groups[physical_id].path = new.get("Path", "/")
        _update_policies(ctx, "group", physical_id, old, new)
        return Result(physical_id, {"Arn": iam.get_group(GroupName=physical_id)["Group"]["Arn"]})

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        iam = _iam(ctx)
        _update_policies(ctx, "group", physical_id, props, {})
        # IAM refuses to delete a group that still has policies (DeleteGroup: DeleteConflict);
        # moto deletes it anyway.
        left = (
            iam.list_group_policies(GroupName=physical_id)["PolicyNames"]
            + iam.list_attached_group_policies(GroupName=physical_id)["AttachedPolicies"]
        )
        if left:
            raise EmulationError(f"DeleteConflict: group {physical_id} still has policies {left}; IAM deletes only an empty group")
        iam.delete_group(GroupName=physical_id)


class User(Handler):
    """Only what orgboot declares: a name and group memberships. No login profile, no keys."""

    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        iam = _iam(ctx)
        name = props.get("UserName") or ctx.generated_name()
        user = iam.create_user(UserName=name, Path=props.get("Path", "/"))["User"]
        for group in props.get("Groups", []):
            iam.add_user_to_group(GroupName=group, UserName=name)
        return Result(name, {"Arn": user["Arn"]})

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        iam = _iam(ctx)
        for group in set(old.get("Groups", [])) - set(new.get("Groups", [])):
            iam.remove_user_from_group(GroupName=group, UserName=physical_id)
        for group in set(new.get("Groups", [])) - set(old.get("Groups", [])):
            iam.add_user_to_group(GroupName=group, UserName=physical_id)
        return Result(physical_id, {"Arn": iam.get_user(UserName=physical_id)["User"]["Arn"]})

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        iam = _iam(ctx)
        for group in props.get("Groups", []):
            iam.remove_user_from_group(GroupName=group, UserName=physical_id)
        iam.delete_user(UserName=physical_id)


HANDLERS: dict[str, Handler] = {
    "AWS::IAM::ManagedPolicy": ManagedPolicy(),
    "AWS::IAM::Group": Group(),
    "AWS::IAM::User": User(),
    "AWS::IAM::Role": Role(),
    "AWS::IAM::Policy": InlinePolicy(),
}
