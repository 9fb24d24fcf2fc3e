"""CreateServiceLinkedRole as AWS answers it when the role exists already: moto 5.2.1 says
EntityAlreadyExists, AWS says InvalidInput, "Service role name AWSServiceRoleForECS has been taken
in this account, please try a different suffix." (AWS's words as users report them:
Rayraegah/terraform-aws-hasura#17, lgallard/terraform-aws-elasticsearch#5, DataDog/pathfinding-labs#23).
A service-linked role lives under /aws-service-role/<service>/ (IAM User Guide, "Using
service-linked roles")."""

from typing import Any

from botocore.exceptions import ClientError

from orgboot.emulator.aws import AwsAccount
from orgboot.state.pages import all_items


def refuse_taken(aws: AwsAccount, operation: str, parameters: dict[str, Any]) -> None:
    if operation != "CreateServiceLinkedRole" or parameters.get("CustomSuffix"):
        return
    service = parameters.get("AWSServiceName", "")
    existing = all_items(aws.client("iam"), "list_roles", "Roles", PathPrefix=f"/aws-service-role/{service}/")
    if existing:
        message = f"Service role name {existing[0]['RoleName']} has been taken in this account, please try a different suffix."
        raise ClientError({"Error": {"Code": "InvalidInput", "Message": message}}, operation)
