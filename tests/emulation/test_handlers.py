"""Handlers on small hand-written templates: every attribute a template can read, and the
defaults a handler must not invent."""

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from orgboot.emulator import EmulationError, Engine, emulated_aws, management
from orgboot.emulator.aws import assume
from orgboot.emulator.handlers.logging import _flag


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


def test_a_managed_policy_gets_a_new_version_only_when_its_document_changes():
    """The document, not the attachments, makes a version ("Versioning IAM policies")."""
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}

    def template(*groups):
        properties = {"ManagedPolicyName": "p", "PolicyDocument": document, "Groups": list(groups)}
        return {
            "Resources": {
                "Ops": {"Type": "AWS::IAM::Group", "Properties": {"GroupName": "Ops"}},
                "P": {"Type": "AWS::IAM::ManagedPolicy", "DependsOn": "Ops", "Properties": properties},
            }
        }

    with emulated_aws():
        engine, iam = Engine(), management().client("iam")
        arn = engine.deploy("Stack", template(), management()).resources["P"].physical_id
        engine.deploy("Stack", template("Ops"), management())
        assert [p["PolicyName"] for p in iam.list_attached_group_policies(GroupName="Ops")["AttachedPolicies"]] == ["p"]
        assert [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]] == ["v1"]


def test_inert_resources_are_named_after_their_stack_and_keep_that_name():
    def template(analytics):
        return {
            "Resources": {
                "CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": analytics}},
                "Placeholder": {"Type": "AWS::CloudFormation::WaitConditionHandle"},
            }
        }

    with emulated_aws():
        engine = Engine()
        engine.deploy("Stack", template("a"), management())
        state = engine.deploy("Stack", template("b"), management())
        assert {lid: r.physical_id for lid, r in state.resources.items()} == {
            "CDKMetadata": "Stack-CDKMetadata",
            "Placeholder": "Stack-Placeholder",
        }


def test_a_custom_resource_needs_a_function_deployed_before_it():
    template = {
        "Resources": {
            "Thing": {"Type": "Custom::Thing", "Properties": {"ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:gone"}}
        }
    }
    with (
        emulated_aws(),
        pytest.raises(EmulationError, match="ServiceToken arn:.*:function:gone is not a Lambda function deployed before this resource"),
    ):
        Engine().deploy("Stack", template, management())


def test_a_roles_description_changes_in_place():
    def role(description):
        properties = {"RoleName": "Described", "AssumeRolePolicyDocument": TRUST, "Description": description}
        return {"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": properties}}}

    with emulated_aws():
        engine, iam = Engine(), management().client("iam")
        engine.deploy("Stack", role("first"), management())
        engine.deploy("Stack", role("second"), management())
        assert iam.get_role(RoleName="Described")["Role"]["Description"] == "second"


def test_bucket_settings_removed_on_update():
    """A setting removed from the template is removed from the bucket: versioning is suspended
    (a versioned bucket cannot go back to unversioned; S3 User Guide, "Using versioning in S3
    buckets"), the public access block and the default encryption are deleted."""
    settings = {
        "VersioningConfiguration": {"Status": "Enabled"},
        "BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]},
        "PublicAccessBlockConfiguration": {
            "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True,
        },
    }  # fmt: skip
    with emulated_aws():
        engine, s3 = Engine(), management().client("s3")
        engine.deploy(
            "Stack",
            {"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "orgboot-logs", **settings}}}},
            management(),
        )
        assert s3.get_bucket_versioning(Bucket="orgboot-logs")["Status"] == "Enabled"
        assert s3.get_public_access_block(Bucket="orgboot-logs")["PublicAccessBlockConfiguration"]["BlockPublicAcls"]
        assert _encryption(s3) == "aws:kms"
        engine.deploy(
            "Stack", {"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "orgboot-logs"}}}}, management()
        )
        assert s3.get_bucket_versioning(Bucket="orgboot-logs")["Status"] == "Suspended"
        with pytest.raises(ClientError, match="NoSuchPublicAccessBlockConfiguration"):
            s3.get_public_access_block(Bucket="orgboot-logs")
        assert _encryption(s3) != "aws:kms"


def _encryption(s3: Any) -> str | None:
    try:
        rules = s3.get_bucket_encryption(Bucket="orgboot-logs")["ServerSideEncryptionConfiguration"]["Rules"]
    except ClientError:
        return None  # moto: none; S3 itself falls back to SSE-S3 ("AES256")
    return str(rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"])


def test_a_log_groups_retention_changes_in_place():
    def template(days):
        return {"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/l", "RetentionInDays": days}}}}

    with emulated_aws():
        engine, logs = Engine(), management().client("logs")
        engine.deploy("Stack", template(7), management())
        engine.deploy("Stack", template(30), management())
        assert logs.describe_log_groups(logGroupNamePrefix="/l")["logGroups"][0]["retentionInDays"] == 30


@pytest.mark.parametrize(("value", "flag"), [(True, True), ("true", True), ("True", True), (False, False), ("false", False), (None, False)])
def test_template_booleans_may_be_strings(value, flag):
    """CloudFormation passes a resource's booleans as given, and "true" often as a string."""
    assert _flag(value) is flag


def test_a_topics_display_name_and_a_subscriptions_attributes_change_in_place():
    def template(display_name, **attributes):
        return {
            "Resources": {
                "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": display_name}},
                "Mail": {
                    "Type": "AWS::SNS::Subscription",
                    "Properties": {"TopicArn": {"Ref": "Topic"}, "Protocol": "email", "Endpoint": "ops@example.com", **attributes},
                },
            }
        }

    with emulated_aws():
        engine, sns = Engine(), management().client("sns")
        state = engine.deploy("Stack", template("billing", FilterPolicy={"kind": ["alarm"]}), management())
        topic, subscription = state.resources["Topic"].physical_id, state.resources["Mail"].physical_id
        engine.deploy("Stack", template("costs"), management())
        assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["DisplayName"] == "costs"
        assert sns.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"].get("FilterPolicy", "") == ""


def test_an_organization_without_feature_set_has_all_features():
    """FeatureSet defaults to ALL (AWS::Organizations::Organization), so writing it out is no change."""

    def template(**properties):
        return {
            "Resources": {"Org": {"Type": "AWS::Organizations::Organization", "Properties": properties}},
            "Outputs": {"Root": {"Value": {"Fn::GetAtt": ["Org", "RootId"]}}},
        }

    with emulated_aws():
        engine = Engine()
        root = engine.deploy("Stack", template(), management()).outputs["Root"]
        assert engine.deploy("Stack", template(FeatureSet="ALL"), management()).outputs["Root"] == root
        with pytest.raises(EmulationError, match="FeatureSet cannot be changed"):
            engine.deploy("Stack", template(FeatureSet="CONSOLIDATED_BILLING"), management())


def test_stack_instances_live_in_their_region_and_leave_it():
    """A StackSet's instance stack runs in each of its Regions, and a removed instance's resources
    are deleted in that region (CloudFormation User Guide, "StackSets concepts": a stack instance
    is a reference to a stack in a target account within a Region)."""
    topic = {"Resources": {"Alerts": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "alerts"}}}}

    def template(*ou_ids):
        groups = [{"DeploymentTargets": {"OrganizationalUnitIds": list(ou_ids)}, "Regions": ["eu-west-1"]}] if ou_ids else []
        properties = {"StackSetName": "alerts", "PermissionModel": "SERVICE_MANAGED", "TemplateBody": json.dumps(topic),
                      "AutoDeployment": {"Enabled": True, "RetainStacksOnAccountRemoval": False}, "StackInstancesGroup": groups}  # fmt: skip
        return {"Resources": {"Alerts": {"Type": "AWS::CloudFormation::StackSet", "Properties": properties}}}

    with emulated_aws():
        organizations = management().client("organizations")
        organizations.create_organization(FeatureSet="ALL")
        root = organizations.list_roots()["Roots"][0]["Id"]
        ou = organizations.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
        account = organizations.create_account(AccountName="Shop", Email="shop@example.com")["CreateAccountStatus"]["AccountId"]
        organizations.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ou)
        engine = Engine()
        engine.stack_sets_trusted_access = True
        engine.deploy("Stack", template(ou), management())

        def topics(region):
            return [t["TopicArn"] for t in assume(account, region=region).client("sns").list_topics()["Topics"]]

        assert topics("eu-west-1") == [f"arn:aws:sns:eu-west-1:{account}:alerts"]
        assert topics("us-east-1") == []
        engine.deploy("Stack", template(), management())
        assert topics("eu-west-1") == []


def test_an_ssm_parameter_is_created_updated_replaced_and_deleted():
    """AWS::SSM::Parameter, which keeps the record of the deployed spec: Ref is its name; a new
    value updates it in place; Name is create-only, so a new name replaces it."""

    def template(value: str, name: str = "/orgboot/test", metadata: dict[str, str] | None = None) -> dict[str, Any]:
        parameter = {"Type": "AWS::SSM::Parameter", "Properties": {"Name": name, "Type": "String", "Value": value, "Description": "d"}}
        if metadata:
            parameter["Metadata"] = metadata
        return {"Resources": {"Record": parameter}, "Outputs": {"Name": {"Value": {"Ref": "Record"}}}}

    with emulated_aws():
        engine = Engine()
        ssm = management().client("ssm")

        def actions(first: int) -> list[str]:
            return [event.action for event in engine.events[first:]]

        assert engine.deploy("Stack", template("one"), management()).outputs["Name"] == "/orgboot/test"
        assert actions(0) == ["CREATE"]
        created = ssm.get_parameter(Name="/orgboot/test")["Parameter"]
        assert (created["Value"], created["Type"], created["Version"]) == ("one", "String", 1)
        assert ssm.describe_parameters()["Parameters"][0]["Description"] == "d"

        first = len(engine.events)
        engine.deploy("Stack", template("two"), management())
        assert actions(first) == ["UPDATE"]
        updated = ssm.get_parameter(Name="/orgboot/test")["Parameter"]
        assert (updated["Value"], updated["Version"]) == ("two", 2)

        first = len(engine.events)
        engine.deploy("Stack", template("two"), management())
        assert actions(first) == []  # nothing changed, nothing done

        first = len(engine.events)
        assert engine.deploy("Stack", template("two", "/orgboot/other"), management()).outputs["Name"] == "/orgboot/other"
        assert actions(first) == ["REPLACE", "DELETE"]  # the new one created, then the old one deleted
        assert [p["Name"] for p in ssm.describe_parameters()["Parameters"]] == ["/orgboot/other"]

        first = len(engine.events)
        engine.deploy("Stack", {"Resources": {"Other": {"Type": "AWS::SNS::Topic", "Properties": {}}}}, management())
        assert ("Record", "DELETE") in [(event.logical_id, event.action) for event in engine.events[first:]]
        assert ssm.describe_parameters()["Parameters"] == []
        with pytest.raises(ClientError, match="ParameterNotFound"):
            ssm.get_parameter(Name="/orgboot/other")


def test_a_change_of_metadata_alone_is_an_update_of_the_record_only():
    """A change of a resource's Metadata attribute alone is an update of the stack's record of it (a
    change set's ResourceTargetDefinition: Attribute Metadata), with no call to its provider; what
    DescribeStackResource returns, and so what `orgboot deploy` reads back, is the new Metadata."""

    def template(metadata: dict[str, str]) -> dict[str, Any]:
        parameter = {"Type": "AWS::SSM::Parameter", "Properties": {"Name": "/orgboot/test", "Type": "String", "Value": "v"}}
        return {"Resources": {"Record": {**parameter, "Metadata": metadata}}}

    with emulated_aws():
        engine = Engine()
        engine.deploy("Stack", template({"orgboot:spec": "one"}), management())
        record = engine.stack_resource("123456789012", "Stack", "Record")
        assert record is not None
        assert record.metadata == {"orgboot:spec": "one"}
        first = len(engine.events)
        engine.deploy("Stack", template({"orgboot:spec": "two"}), management())
        assert [(event.logical_id, event.action) for event in engine.events[first:]] == [("Record", "UPDATE")]
        record = engine.stack_resource("123456789012", "Stack", "Record")
        assert record is not None
        assert record.metadata == {"orgboot:spec": "two"}
        assert management().client("ssm").get_parameter(Name="/orgboot/test")["Parameter"]["Version"] == 1  # no call to SSM
        assert engine.stack_resource("123456789012", "Stack", "Nothing") is None


def test_the_last_scp_of_a_target_is_not_detached():
    """Where FullAWSAccess was detached (an allow-list), the allow-list SCP is the target's last one:
    AWS refuses to detach it (DetachPolicy, MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED), and so does
    the emulator; with FullAWSAccess still attached, the same removal goes through."""
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}
    template: dict[str, Any] = {
        "Parameters": {"Root": {"Type": "String"}},
        "Resources": {
            "Sandbox": {"Type": "AWS::Organizations::OrganizationalUnit", "Properties": {"Name": "Sandbox", "ParentId": {"Ref": "Root"}}},
            "AllowList": {
                "Type": "AWS::Organizations::Policy",
                "Properties": {"Name": "allow-list", "Type": "SERVICE_CONTROL_POLICY", "Content": allow, "TargetIds": [{"Ref": "Sandbox"}]},
            },
        },
    }
    without = {**template, "Resources": {"Sandbox": template["Resources"]["Sandbox"]}}
    for detached in (True, False):
        with emulated_aws():
            engine, client = Engine(), management().client("organizations")
            client.create_organization(FeatureSet="ALL")
            root = client.list_roots()["Roots"][0]["Id"]
            client.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
            engine.deploy("Org", template, management(), {"Root": root})
            sandbox = engine.stack_resource(management().account_id, "Org", "Sandbox")
            assert sandbox is not None
            if detached:
                full = next(
                    p["Id"] for p in client.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"] if p["Name"] == "FullAWSAccess"
                )
                client.detach_policy(PolicyId=full, TargetId=sandbox.physical_id)
                with pytest.raises(EmulationError, match="MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"):
                    engine.deploy("Org", without, management(), {"Root": root})
            else:
                engine.deploy("Org", without, management(), {"Root": root})


def test_stack_set_account_filters_narrow_or_widen_the_ous_accounts():
    """AccountFilterType as the CloudFormation API Reference's DeploymentTargets gives it:
    INTERSECTION only the listed accounts of the OUs, DIFFERENCE all but them; a create that names
    Accounts and OUs without a filter type, or with UNION, is refused."""
    topic = {"Resources": {"Alerts": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "alerts"}}}}

    def template(targets):
        properties = {"StackSetName": "alerts", "PermissionModel": "SERVICE_MANAGED", "TemplateBody": json.dumps(topic),
                      "AutoDeployment": {"Enabled": True, "RetainStacksOnAccountRemoval": False},
                      "StackInstancesGroup": [{"DeploymentTargets": targets, "Regions": ["eu-west-1"]}]}  # fmt: skip
        return {"Resources": {"Alerts": {"Type": "AWS::CloudFormation::StackSet", "Properties": properties}}}

    with emulated_aws():
        organizations = management().client("organizations")
        organizations.create_organization(FeatureSet="ALL")
        root = organizations.list_roots()["Roots"][0]["Id"]
        ou = organizations.create_organizational_unit(ParentId=root, Name="Security")["OrganizationalUnit"]["Id"]
        audit, logs = (
            organizations.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]["AccountId"]
            for name in ("audit", "logs")
        )
        for account in (audit, logs):
            organizations.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ou)
        engine = Engine()
        engine.stack_sets_trusted_access = True

        def deployed():
            return {a for a in (audit, logs) if assume(a, region="eu-west-1").client("sns").list_topics()["Topics"]}

        for refused, message in (({}, "without AccountFilterType"), ({"AccountFilterType": "UNION"}, "UNION is not supported")):
            with pytest.raises(EmulationError, match=message):
                engine.deploy("Refused", template({"OrganizationalUnitIds": [ou], "Accounts": [audit], **refused}), management())
        engine.deploy(
            "Stack", template({"OrganizationalUnitIds": [ou], "Accounts": [audit], "AccountFilterType": "INTERSECTION"}), management()
        )
        assert deployed() == {audit}
        engine.deploy(
            "Stack", template({"OrganizationalUnitIds": [ou], "Accounts": [audit], "AccountFilterType": "DIFFERENCE"}), management()
        )
        assert deployed() == {logs}
