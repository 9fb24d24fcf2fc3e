"""One organizational unit."""

from aws_cdk import aws_organizations as organizations

from constructs import Construct


class OrganizationalUnit(Construct):
    """An OU under `parent_id` (the root or another OU). ParentId is create-only in CloudFormation:
    moving an OU means replacing it, which AWS allows only while it is empty."""

    def __init__(self, scope: Construct, id: str, *, name: str, parent_id: str, logical_id: str) -> None:
        super().__init__(scope, id)
        self.resource = organizations.CfnOrganizationalUnit(self, "Resource", name=name, parent_id=parent_id)
        self.resource.override_logical_id(logical_id)
        self.ou_id: str = self.resource.attr_id
