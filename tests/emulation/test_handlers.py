"""Handlers on small hand-written templates: every attribute a template can read, and the
defaults a handler must not invent."""

from orgboot.emulator import Engine, emulated_aws, management


def test_organizations_attributes_are_what_aws_holds():
    template = {
        "Resources": {
            "Org": {"Type": "AWS::Organizations::Organization", "Properties": {"FeatureSet": "ALL"}},
            "Ou": {
                "Type": "AWS::Organizations::OrganizationalUnit",
                "Properties": {"Name": "A", "ParentId": {"Fn::GetAtt": ["Org", "RootId"]}},
            },
            "Policy": {
                "Type": "AWS::Organizations::Policy",
                "DependsOn": "Org",
                "Properties": {"Name": "p", "Type": "SERVICE_CONTROL_POLICY", "Content": {"Version": "2012-10-17", "Statement": []}},
            },
        },
        "Outputs": {
            name: {"Value": {"Fn::GetAtt": [resource, attribute]}}
            for name, resource, attribute in (
                ("OrgId", "Org", "Id"),
                ("OrgArn", "Org", "Arn"),
                ("RootId", "Org", "RootId"),
                ("ManagementId", "Org", "ManagementAccountId"),
                ("ManagementEmail", "Org", "ManagementAccountEmail"),
                ("ManagementArn", "Org", "ManagementAccountArn"),
                ("OuId", "Ou", "Id"),
                ("OuArn", "Ou", "Arn"),
                ("PolicyId", "Policy", "Id"),
                ("PolicyArn", "Policy", "Arn"),
            )
        },  # fmt: skip
    }
    with emulated_aws():
        outputs = Engine().deploy("Stack", template, management()).outputs
        organizations = management().client("organizations")
        organization = organizations.describe_organization()["Organization"]
        ou = organizations.describe_organizational_unit(OrganizationalUnitId=outputs["OuId"])["OrganizationalUnit"]
        policy = organizations.describe_policy(PolicyId=outputs["PolicyId"])["Policy"]["PolicySummary"]
        assert outputs == {
            "OrgId": organization["Id"], "OrgArn": organization["Arn"], "RootId": organizations.list_roots()["Roots"][0]["Id"],
            "ManagementId": organization["MasterAccountId"], "ManagementEmail": organization["MasterAccountEmail"],
            "ManagementArn": organization["MasterAccountArn"], "OuId": ou["Id"], "OuArn": ou["Arn"],
            "PolicyId": policy["Id"], "PolicyArn": policy["Arn"],
        }  # fmt: skip


def test_a_role_without_a_description_gets_none():
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}]}
    template = {"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "Plain", "AssumeRolePolicyDocument": trust}}}}
    with emulated_aws():
        Engine().deploy("Stack", template, management())
        role = management().client("iam").get_role(RoleName="Plain")["Role"]
    assert role.get("Description", "") == ""
    assert role["MaxSessionDuration"] == 3600
