"""The account alias (the sign-in URL's name). CloudFormation has no resource for it."""

from aws_cdk import custom_resources as cr

from constructs import Construct
from constructs.sdk_call import sdk_call_resource


class AccountAlias(Construct):
    """An account has at most one alias and CreateAccountAlias overwrites it, so a changed alias
    replaces the old one in place; removing the construct deletes the alias."""

    def __init__(self, scope: Construct, id: str, *, alias: str, logical_id: str) -> None:
        super().__init__(scope, id)
        create = cr.AwsSdkCall(
            service="IAM",
            action="createAccountAlias",
            parameters={"AccountAlias": alias},
            physical_resource_id=cr.PhysicalResourceId.of("account-alias"),
        )
        self.resource = sdk_call_resource(
            self,
            "Resource",
            logical_id=logical_id,
            on_create=create,
            on_update=create,
            on_delete=cr.AwsSdkCall(
                service="IAM",
                action="deleteAccountAlias",
                parameters={"AccountAlias": alias},
                ignore_error_codes_matching="NoSuchEntity",
            ),
        )
