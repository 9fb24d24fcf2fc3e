"""CloudFormation's resource rules, read from the resource provider schemas: values that break a
schema fail, a change to a create-only property replaces the resource, and a replacement that keeps
its custom name fails. Small hand-written templates, one rule each."""

import json
from typing import Any

import pytest

from orgboot.emulator import AssemblyStack, EmulationError, Engine, deploy_assembly, emulated_aws, management
from orgboot.emulator.handlers.base import Handler
from orgboot.emulator.schemas import kept_names, violations


def role(**properties: Any) -> dict[str, Any]:
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
    return {"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": trust, **properties}}}}


def budget(name: str, threshold: int) -> dict[str, Any]:
    return {
        "Resources": {
            "Budget": {
                "Type": "AWS::Budgets::Budget",
                "Properties": {
                    "Budget": {
                        "BudgetName": name,
                        "BudgetType": "COST",
                        "TimeUnit": "MONTHLY",
                        "BudgetLimit": {"Amount": 100, "Unit": "USD"},
                    },
                    "NotificationsWithSubscribers": [
                        {
                            "Notification": {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": threshold},
                            "Subscribers": [{"SubscriptionType": "EMAIL", "Address": "ops@example.com"}],
                        }
                    ],
                },
            }
        }
    }


def test_a_value_outside_the_schema_pattern_fails_the_resource():
    template = {
        "Resources": {
            "Roles": {
                "Type": "AWS::CloudFormation::StackSet",
                "Properties": {"StackSetName": "orgboot-role-Data_Reader", "PermissionModel": "SERVICE_MANAGED"},
            }
        }
    }
    with emulated_aws(), pytest.raises(EmulationError) as caught:
        Engine().deploy("Stack", template, management())
    assert str(caught.value).startswith(
        "Stack/Roles (AWS::CloudFormation::StackSet): Properties validation failed: #/StackSetName: failed validation constraint"
        " for keyword [pattern]"
    )


def test_a_value_outside_the_schema_enum_fails_the_resource():
    alarm = {
        "MetricName": "EstimatedCharges",
        "Namespace": "AWS/Billing",
        "Statistic": "Maximum",
        "Period": 21600,
        "EvaluationPeriods": 1,
        "Threshold": 100,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "NOT_BREACHING",
    }
    template = {"Resources": {"Alarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": alarm}}}
    with emulated_aws(), pytest.raises(EmulationError, match=r"#/TreatMissingData: failed validation constraint for keyword \[enum\]"):
        Engine().deploy("Stack", template, management())


def test_numbers_and_booleans_given_as_strings_are_converted_as_cloudformation_does():
    with emulated_aws():
        template = budget("monthly", 80)
        template["Resources"]["Budget"]["Properties"]["NotificationsWithSubscribers"][0]["Notification"]["Threshold"] = "80"
        Engine().deploy("Stack", template, management())


def test_a_changed_create_only_property_replaces_the_resource():
    with emulated_aws():
        engine = Engine()
        first = engine.deploy("Stack", role(Path="/a/"), management()).resources["Role"]
        second = engine.deploy("Stack", role(Path="/b/"), management()).resources["Role"]
        assert [e.action for e in engine.events] == ["CREATE", "REPLACE", "DELETE"]
        iam = management().client("iam")
        assert iam.get_role(RoleName=second.physical_id)["Role"]["Path"] == "/b/"
        with pytest.raises(iam.exceptions.NoSuchEntityException):
            iam.get_role(RoleName=first.physical_id)


def test_other_properties_update_in_place():
    with emulated_aws():
        engine = Engine()
        engine.deploy("Stack", role(RoleName="Reader", Description="before"), management())
        engine.deploy("Stack", role(RoleName="Reader", Description="after"), management())
        assert [e.action for e in engine.events] == ["CREATE", "UPDATE"]


@pytest.mark.parametrize(
    ("before", "after", "name"),
    [
        (role(RoleName="Reader", Path="/a/"), role(RoleName="Reader", Path="/b/"), "Reader"),
        (budget("monthly", 80), budget("monthly", 90), "monthly"),  # NotificationsWithSubscribers is create-only
    ],
)
def test_replacing_a_resource_that_keeps_its_custom_name_fails(before, after, name):
    with emulated_aws():
        engine = Engine()
        engine.deploy("Stack", before, management())
        with pytest.raises(EmulationError, match=f"custom-named resource requires replacing .*Rename {name} and update the stack again"):
            engine.deploy("Stack", after, management())


def test_a_replacement_under_a_new_name_succeeds():
    with emulated_aws():
        engine = Engine()
        engine.deploy("Stack", budget("monthly-1", 80), management())
        engine.deploy("Stack", budget("monthly-2", 90), management())
        names = [b["BudgetName"] for b in management().client("budgets").describe_budgets(AccountId="123456789012")["Budgets"]]
        assert names == ["monthly-2"]


@pytest.mark.parametrize(
    ("value", "accepted"),
    [("80", True), ("80.5", True), ("eighty", False), ("nan", False), (True, False)],
)
def test_number_conversion(value, accepted):
    """Threshold is a number in AWS::Budgets::Budget's schema: CloudFormation converts numeric
    strings, and refuses what is not a number."""
    template = budget("monthly", 80)
    template["Resources"]["Budget"]["Properties"]["NotificationsWithSubscribers"][0]["Notification"]["Threshold"] = value
    assert (violations("AWS::Budgets::Budget", template["Resources"]["Budget"]["Properties"]) == []) is accepted


@pytest.mark.parametrize(("value", "accepted"), [("true", True), ("False", True), ("yes", False), (True, True)])
def test_boolean_conversion(value, accepted):
    properties = {"S3BucketName": "logs", "IsLogging": value}
    assert (violations("AWS::CloudTrail::Trail", properties) == []) is accepted


def test_numbers_are_accepted_where_a_string_is_expected():
    assert violations("AWS::IAM::Role", {"AssumeRolePolicyDocument": {}, "Tags": [{"Key": "cost-center", "Value": 1234}]}) == []


def test_only_the_resources_own_name_counts_as_its_custom_name():
    """A Lambda permission's FunctionName names another resource: keeping it is no collision."""
    assert kept_names("AWS::Lambda::Permission", {"FunctionName": "f", "Principal": "a"}, {"FunctionName": "f", "Principal": "b"}) == []
    assert kept_names("AWS::IAM::Role", {"RoleName": "Reader", "Path": "/a/"}, {"RoleName": "Reader", "Path": "/b/"}) == ["Reader"]


def test_a_named_managed_policy_is_updated_in_place():
    """Its document is not create-only: a new default version, same name and ARN."""

    def policy(action: str) -> dict[str, Any]:
        document = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": action, "Resource": "*"}]}
        return {
            "Resources": {
                "P": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"ManagedPolicyName": "RequireMFA", "PolicyDocument": document}}
            }
        }

    with emulated_aws():
        engine = Engine()
        arn = engine.deploy("Stack", policy("s3:*"), management()).resources["P"].physical_id
        engine.deploy("Stack", policy("ec2:*"), management())
        assert [e.action for e in engine.events] == ["CREATE", "UPDATE"]
        iam = management().client("iam")
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
        assert "ec2:*" in json.dumps(document)


def test_an_update_the_emulator_cannot_make_is_refused_not_faked():
    """A handler without an update refuses it: a silent replacement would prove what AWS does not do."""
    with pytest.raises(EmulationError, match="the emulator cannot update Description of this resource in place"):
        Handler().update(None, "x", {"Description": "a"}, {"Description": "b"})  # type: ignore[arg-type]
    # A property added or removed is a change too.
    with pytest.raises(EmulationError, match="the emulator cannot update Added, Removed of this resource in place"):
        Handler().update(None, "x", {"Removed": 1, "Kept": 1}, {"Added": 2, "Kept": 1})  # type: ignore[arg-type]


def test_changing_a_resources_type_is_refused():
    """CloudFormation refuses to change a logical ID's type ("Update of resource type is not permitted")."""
    topic = {"Resources": {"R": {"Type": "AWS::SNS::Topic", "Properties": {}}}}
    with emulated_aws():
        engine = Engine()
        engine.deploy("Stack", role(), management())
        with pytest.raises(EmulationError, match=r"Update of resource type is not permitted \(AWS::IAM::Role -> AWS::SNS::Topic\)"):
            engine.deploy("Stack", {"Resources": {"Role": topic["Resources"]["R"]}}, management())


@pytest.mark.parametrize("template", [{}, {"Resources": {}}])
def test_a_template_without_resources_is_refused(template):
    """Why an accounts stack without accounts holds a placeholder (stacks/accounts_stack.py)."""
    empty = [AssemblyStack("Empty", "us-east-1", template, ())]
    with (
        emulated_aws(),
        pytest.raises(EmulationError, match=r"^Empty: Template format error: At least one Resources member must be defined\.$"),
    ):
        deploy_assembly(Engine(), empty)


HANDLE = {"Type": "AWS::CloudFormation::WaitConditionHandle"}


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ({"Resources": {f"H{n}": HANDLE for n in range(501)}}, r"Resources count 501 exceeds the limit 500"),
        (
            {"Resources": {"H": HANDLE}, "Outputs": {f"O{n}": {"Value": "x"} for n in range(201)}},
            r"Outputs count 201 exceeds the limit 200",
        ),
        ({"Resources": {"H": HANDLE}, "Parameters": {f"P{n}": {"Type": "String"} for n in range(201)}}, r"Parameters count 201 exceeds"),
        ({"Resources": {"H": {**HANDLE, "Metadata": {"padding": "x" * 1_000_000}}}}, r"Template may not exceed 1000000 bytes"),
    ],
    ids=["resources", "outputs", "parameters", "size"],
)
def test_a_template_over_cloudformation_quotas_is_refused(template, message):
    """What validate bounds (orgboot/rules/stacks.py), the emulator refuses as CloudFormation does."""
    with emulated_aws(), pytest.raises(EmulationError, match=rf"^Big: .*{message}"):
        deploy_assembly(Engine(), [AssemblyStack("Big", "us-east-1", template, ())])


def test_stacks_that_both_change_the_organization_must_depend_on_each_other():
    """The CDK CLI deploys stacks with no dependency between them at once (--concurrency), and
    Organizations refuses concurrent changes (orgboot/emulator/ordering.py, unordered_stack_writes)."""
    organization = {"Organization": {"Type": "AWS::Organizations::Organization", "DeletionPolicy": "Retain"}}
    policy = {"Type": "AWS::Organizations::Policy", "Properties": {"Name": "p", "Type": "TAG_POLICY", "Content": {"tags": {}}}}
    stacks = [
        AssemblyStack("Org", "us-east-1", {"Resources": organization}, ()),
        AssemblyStack("Tags", "us-east-1", {"Resources": {"Policy": policy}}, ()),
    ]
    with emulated_aws(), pytest.raises(EmulationError, match=r"^Org and Tags both change the organization .* Make Tags depend on Org$"):
        deploy_assembly(Engine(), stacks)
