"""The IAM account password policy. CloudFormation has no resource for it."""

from aws_cdk import custom_resources as cr

from constructs import Construct
from constructs.sdk_call import sdk_call_resource


class AccountPasswordPolicy(Construct):
    """Applies the password policy with UpdateAccountPasswordPolicy, which has no partial update:
    every value is sent on every create and update, so nothing is silently left at a default."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        logical_id: str,
        minimum_length: int,
        require_uppercase: bool,
        require_lowercase: bool,
        require_numbers: bool,
        require_symbols: bool,
        allow_users_to_change: bool,
        max_age_days: int | None,
        reuse_prevention: int | None,
        hard_expiry: bool,
    ) -> None:
        super().__init__(scope, id)
        parameters = {
            "MinimumPasswordLength": minimum_length,
            "RequireUppercaseCharacters": require_uppercase,
            "RequireLowercaseCharacters": require_lowercase,
            "RequireNumbers": require_numbers,
            "RequireSymbols": require_symbols,
            "AllowUsersToChangePassword": allow_users_to_change,
            "HardExpiry": hard_expiry,
        }
        if max_age_days is not None:
            parameters["MaxPasswordAge"] = max_age_days
        if reuse_prevention is not None:
            parameters["PasswordReusePrevention"] = reuse_prevention
        apply = cr.AwsSdkCall(
            service="IAM",
            action="updateAccountPasswordPolicy",
            parameters=parameters,
            physical_resource_id=cr.PhysicalResourceId.of("account-password-policy"),
        )
        self.resource = sdk_call_resource(
            self,
            "Resource",
            logical_id=logical_id,
            on_create=apply,
            on_update=apply,
            on_delete=cr.AwsSdkCall(service="IAM", action="deleteAccountPasswordPolicy", ignore_error_codes_matching="NoSuchEntity"),
        )
