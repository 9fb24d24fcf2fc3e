"""Handlers on small hand-written templates: every attribute a template can read, and the
defaults a handler must not invent."""

from typing import Any

from orgboot.emulator import Engine, emulated_aws, management


def test_organizations_attributes_are_what_aws_holds():
    template: dict[str, Any] = {
        "Resources": {
            "Org": {"Type": "AWS::Organizations::Organization", "Properties": {"FeatureSet": "ALL"}},
            "Ou": {
                "Type": "AWS::Organizations::OrganizationalUnit",
                "Properties": {"Name": "A", "ParentId": {"Fn::GetAtt": ["Org", "RootId"]}},
            },
            "Policy": {
                "Type": "AWS::Organizations::Policy",
                "DependsOn": "Ou",
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
        engine = Engine()
        outputs = dict(engine.deploy("Stack", template, management()).outputs)
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
        template["Resources"]["Ou"]["Properties"]["Name"] = "B"
        engine.deploy("Stack", template, management())  # an update in place: the attributes stay readable
        assert engine.stacks[("123456789012", "Stack")].outputs == outputs
        assert organizations.describe_organizational_unit(OrganizationalUnitId=outputs["OuId"])["OrganizationalUnit"]["Name"] == "B"


def test_a_role_without_a_description_gets_none():
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}]}
    template = {"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "Plain", "AssumeRolePolicyDocument": trust}}}}
    with emulated_aws():
        Engine().deploy("Stack", template, management())
        role = management().client("iam").get_role(RoleName="Plain")["Role"]
    assert role.get("Description", "") == ""
    assert role["MaxSessionDuration"] == 3600


TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}]}
BOUNDARY = "arn:aws:iam::aws:policy/PowerUserAccess"


def test_a_roles_boundary_is_set_changed_and_removed_in_place():
    def role(**extra):
        return {
            "Resources": {
                "Role": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "Bounded", "AssumeRolePolicyDocument": TRUST, **extra}}
            }
        }

    with emulated_aws():
        engine, iam = Engine(), management().client("iam")
        engine.deploy("Stack", role(PermissionsBoundary=BOUNDARY), management())
        role_id = iam.get_role(RoleName="Bounded")["Role"]["RoleId"]
        assert iam.get_role(RoleName="Bounded")["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == BOUNDARY
        engine.deploy("Stack", role(PermissionsBoundary="arn:aws:iam::aws:policy/ReadOnlyAccess"), management())
        assert iam.get_role(RoleName="Bounded")["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"].endswith("/ReadOnlyAccess")
        engine.deploy("Stack", role(), management())
        assert "PermissionsBoundary" not in iam.get_role(RoleName="Bounded")["Role"]
        assert iam.get_role(RoleName="Bounded")["Role"]["RoleId"] == role_id


def test_group_path_and_user_arn():
    template: dict[str, Any] = {
        "Resources": {
            "Group": {"Type": "AWS::IAM::Group", "Properties": {"GroupName": "Ops", "Path": "/teams/"}},
            "User": {"Type": "AWS::IAM::User", "Properties": {"UserName": "alice", "Groups": [{"Ref": "Group"}]}},
        },
        "Outputs": {"UserArn": {"Value": {"Fn::GetAtt": ["User", "Arn"]}}, "GroupArn": {"Value": {"Fn::GetAtt": ["Group", "Arn"]}}},
    }
    with emulated_aws():
        engine = Engine()
        outputs = dict(engine.deploy("Stack", template, management()).outputs)
        iam = management().client("iam")
        assert iam.get_group(GroupName="Ops")["Group"]["Path"] == "/teams/"
        assert outputs == {
            "UserArn": iam.get_user(UserName="alice")["User"]["Arn"],
            "GroupArn": iam.get_group(GroupName="Ops")["Group"]["Arn"],
        }
        template["Resources"]["User"]["Properties"]["Groups"] = []
        engine.deploy("Stack", template, management())  # an update: the attributes stay readable
        assert engine.stacks[("123456789012", "Stack")].outputs == outputs
        assert iam.list_groups_for_user(UserName="alice")["Groups"] == []


def test_topic_display_name_and_alarm_statistic_and_rename():
    def template(alarm_name):
        return {
            "Resources": {
                "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "billing"}},
                "Alarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {
                    "AlarmName": alarm_name, "Namespace": "AWS/Billing", "MetricName": "EstimatedCharges", "Statistic": "Maximum",
                    "Period": 21600, "EvaluationPeriods": 1, "Threshold": 10, "ComparisonOperator": "GreaterThanThreshold",
                    "AlarmActions": [{"Ref": "Topic"}]}},
            }
        }  # fmt: skip

    with emulated_aws():
        engine = Engine()
        engine.deploy("Stack", template("first"), management())
        sns, cloudwatch = management().client("sns"), management().client("cloudwatch")
        (topic,) = sns.list_topics()["Topics"]
        assert sns.get_topic_attributes(TopicArn=topic["TopicArn"])["Attributes"]["DisplayName"] == "billing"
        assert cloudwatch.describe_alarms(AlarmNames=["first"])["MetricAlarms"][0]["Statistic"] == "Maximum"
        engine.deploy("Stack", template("second"), management())
        assert [a["AlarmName"] for a in cloudwatch.describe_alarms()["MetricAlarms"]] == ["second"]  # replaced
        assert [e.action for e in engine.events if e.logical_id == "Alarm"] == ["CREATE", "REPLACE", "DELETE"]
        changed = template("second")
        changed["Resources"]["Alarm"]["Properties"]["Threshold"] = 20
        engine.deploy("Stack", changed, management())  # the same name: in place
        assert [e.action for e in engine.events if e.logical_id == "Alarm"][-1] == "UPDATE"
        assert cloudwatch.describe_alarms(AlarmNames=["second"])["MetricAlarms"][0]["Threshold"] == 20


def test_a_managed_policy_path():
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}
    template = {
        "Resources": {
            "P": {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {"ManagedPolicyName": "p", "Path": "/teams/", "PolicyDocument": document},
            }
        }
    }
    with emulated_aws():
        state = Engine().deploy("Stack", template, management())
        assert state.resources["P"].physical_id == "arn:aws:iam::123456789012:policy/teams/p"


def test_a_removed_group_loses_its_inline_policies_first():
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}
    group = {
        "Type": "AWS::IAM::Group",
        "Properties": {"GroupName": "Ops", "Policies": [{"PolicyName": "list", "PolicyDocument": document}]},
    }
    with emulated_aws():
        engine = Engine()
        engine.deploy("Stack", {"Resources": {"Group": group}}, management())
        engine.deploy("Stack", {"Resources": {}}, management())
        iam = management().client("iam")
        assert iam.list_groups()["Groups"] == []
        assert [e.action for e in engine.events] == ["CREATE", "DELETE"]


def test_flatten_is_cdks_response_shape():
    from orgboot.emulator.handlers.custom_aws import flatten

    assert flatten({"Roots": [{"Id": "r-1", "PolicyTypes": [{"Type": "SCP"}]}], "Empty": {}}) == {
        "Roots.0.Id": "r-1",
        "Roots.0.PolicyTypes.0.Type": "SCP",
    }


LIST_BUCKETS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}


def test_policies_attached_by_the_policy_resources():
    template: dict[str, Any] = {
        "Resources": {
            "Group": {"Type": "AWS::IAM::Group", "Properties": {"GroupName": "Ops"}},
            "User": {"Type": "AWS::IAM::User", "Properties": {"UserName": "alice"}},
            "Managed": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"ManagedPolicyName": "m", "PolicyDocument": LIST_BUCKETS, "Groups": [{"Ref": "Group"}]}},
            "Inline": {"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": "i", "PolicyDocument": LIST_BUCKETS, "Users": [{"Ref": "User"}]}},
        }
    }  # fmt: skip
    with emulated_aws():
        Engine().deploy("Stack", template, management())
        iam = management().client("iam")
        assert [p["PolicyName"] for p in iam.list_attached_group_policies(GroupName="Ops")["AttachedPolicies"]] == ["m"]
        assert iam.list_user_policies(UserName="alice")["PolicyNames"] == ["i"]


def test_a_group_renamed_is_replaced_and_the_old_one_emptied_first():
    def group(name):
        return {"Resources": {"Group": {"Type": "AWS::IAM::Group", "Properties": {
            "GroupName": name, "ManagedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
            "Policies": [{"PolicyName": "list", "PolicyDocument": LIST_BUCKETS}]}}}}  # fmt: skip

    with emulated_aws():
        engine = Engine()
        engine.deploy("Stack", group("Ops"), management())
        engine.deploy("Stack", group("Operators"), management())
        assert [g["GroupName"] for g in management().client("iam").list_groups()["Groups"]] == ["Operators"]
        assert [e.action for e in engine.events] == ["CREATE", "REPLACE", "DELETE"]


def test_a_groups_path_changes_in_place():
    # AWS::IAM::Group's registry schema: GroupName is its only create-only property.
    def group(path):
        return {"Resources": {"Group": {"Type": "AWS::IAM::Group", "Properties": {"GroupName": "Ops", "Path": path}}}}

    with emulated_aws():
        engine = Engine()
        engine.deploy("Stack", group("/a/"), management())
        engine.deploy("Stack", group("/b/"), management())
        assert management().client("iam").get_group(GroupName="Ops")["Group"]["Path"] == "/b/"
        assert [e.action for e in engine.events] == ["CREATE", "UPDATE"]
