"""One organizational unit."""

from aws_cdk import aws_organizations as organizations

from constructs import Construct


class OrganizationalUnit(Construct):
    """An OU under `parent_id` (the root or another OU). Name updates in place (the provider's
    UpdateHandler calls UpdateOrganizationalUnit); ParentId is create-only (createOnlyProperties of
    the provider schema, aws-organizations-organizationalunit.json as cfn-lint ships it;
    aws-cloudformation-resource-providers-organizations, organizationalunit/): moving an OU means
    replacing it, which AWS allows only while it is empty. `logical_id` names the resource: keep it
    through a rename (the OU's identity), and the rename is an update."""

    def __init__(self, scope: Construct, id: str, *, name: str, parent_id: str, logical_id: str) -> None:
        super().__init__(scope, id)
        self.resource = organizations.CfnOrganizationalUnit(self, "Resource", name=name, parent_id=parent_id)
        self.resource.override_logical_id(logical_id)
        self.ou_id: str = self.resource.attr_id
