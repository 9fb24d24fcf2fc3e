"""The emulator's own mechanics on small hand-written templates."""

from typing import Any

import pytest

from orgboot.emulator import EmulationError, Engine, emulated_aws, management
from orgboot.emulator.template import Resolver, deployment_order


def resolver(**attributes) -> Resolver:
    return Resolver(
        pseudo={"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws"},
        parameters={"Stage": "prod"},
        ref=lambda lid: f"ref-{lid}",
        get_att=lambda lid, attr: attributes[f"{lid}.{attr}"],
        import_value=lambda name: f"import-{name}",
        conditions={"IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}},
    )


def test_intrinsics_resolve():
    r = resolver(**{"Org.RootId": "r-1"})
    assert r.resolve({"Fn::Join": ["/", [{"Ref": "AWS::Region"}, {"Fn::GetAtt": ["Org", "RootId"]}]]}) == "us-east-1/r-1"
    assert r.resolve({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Role}-${Org.RootId}-${!Literal}"}) == (
        "arn:aws:iam::123456789012:role/ref-Role-r-1-${Literal}"
    )
    assert r.resolve({"Fn::Sub": ["${A}-x", {"A": {"Ref": "Stage"}}]}) == "prod-x"
    assert r.resolve({"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]}) == "b"
    assert r.resolve({"Fn::If": ["IsProd", "yes", "no"]}) == "yes"
    assert r.resolve({"Fn::ImportValue": "Shared"}) == "import-Shared"
    assert r.resolve({"Tags": [{"Ref": "AWS::NoValue"}, "kept"], "Gone": {"Ref": "AWS::NoValue"}}) == {"Tags": ["kept"]}


def test_unknown_intrinsic_is_refused_by_name():
    with pytest.raises(EmulationError, match="Fn::Base64 is not supported"):
        resolver().resolve({"Fn::Base64": "x"})


def test_order_follows_references_and_depends_on():
    resources: dict[str, dict[str, Any]] = {
        "C": {"Type": "T", "Properties": {"X": {"Fn::GetAtt": ["B", "Arn"]}}},
        "B": {"Type": "T", "DependsOn": "A"},
        "A": {"Type": "T", "Properties": {"Y": {"Fn::Sub": "${Param}"}}},
    }
    assert deployment_order(resources) == ["A", "B", "C"]


def test_cycles_are_reported():
    resources = {"A": {"Type": "T", "DependsOn": ["B"]}, "B": {"Type": "T", "DependsOn": ["A"]}}
    with pytest.raises(EmulationError, match="circular dependency between resources: A -> B -> A"):
        deployment_order(resources)


def test_unknown_resource_type_fails_loudly():
    template = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {}}}}
    with emulated_aws(), pytest.raises(EmulationError) as caught:
        Engine().deploy("Stack", template, management())
    assert str(caught.value) == (
        "Stack/Queue (AWS::SQS::Queue): resource type AWS::SQS::Queue is not supported by the emulator;"
        " add a handler in orgboot/emulator/handlers"
    )


def test_custom_aws_resource_runs_its_sdk_call_and_ignores_listed_errors():
    enable = '{"service":"Organizations","action":"enablePolicyType","parameters":{"RootId":"ROOT","PolicyType":"TAG_POLICY"},"physicalResourceId":{"id":"tag"},"ignoreErrorCodesMatching":"PolicyTypeAlreadyEnabledException"}'
    template = {
        "Resources": {
            "Org": {"Type": "AWS::Organizations::Organization", "Properties": {"FeatureSet": "ALL"}},
            "Enable": {
                "Type": "Custom::AWS",
                "Properties": {
                    "Create": {
                        "Fn::Join": ["", enable.split("ROOT", 1)[:1] + [{"Fn::GetAtt": ["Org", "RootId"]}] + enable.split("ROOT", 1)[1:]]
                    }
                },
            },
            "EnableAgain": {
                "Type": "Custom::AWS",
                "DependsOn": "Enable",
                "Properties": {
                    "Create": {
                        "Fn::Join": ["", enable.split("ROOT", 1)[:1] + [{"Fn::GetAtt": ["Org", "RootId"]}] + enable.split("ROOT", 1)[1:]]
                    }
                },
            },
        }
    }
    with emulated_aws():
        state = Engine().deploy("Stack", template, management())
        root = management().client("organizations").list_roots()["Roots"][0]
        assert {"Type": "TAG_POLICY", "Status": "ENABLED"} in root["PolicyTypes"]
        assert state.resources["Enable"].physical_id == "tag"


def test_backup_policies_are_refused_plainly():
    template = {
        "Resources": {
            "Org": {"Type": "AWS::Organizations::Organization", "Properties": {"FeatureSet": "ALL"}},
            "Backup": {
                "Type": "AWS::Organizations::Policy",
                "DependsOn": "Org",
                "Properties": {"Name": "b", "Type": "BACKUP_POLICY", "Content": {"plans": {}}},
            },
        }
    }
    with emulated_aws(), pytest.raises(EmulationError, match="moto cannot create BACKUP_POLICY policies .*; AWS can"):
        Engine().deploy("Stack", template, management())


def test_stack_sets_need_trusted_access():
    template = {
        "Resources": {
            "Roles": {
                "Type": "AWS::CloudFormation::StackSet",
                "Properties": {"StackSetName": "s", "PermissionModel": "SERVICE_MANAGED", "TemplateBody": "{}", "StackInstancesGroup": []},
            }
        }
    }
    with emulated_aws(), pytest.raises(EmulationError, match="StackSets trusted access is not activated"):
        Engine().deploy("Stack", template, management())


def test_calls_moto_lacks_are_reported_plainly():
    unserved = '{"service":"Budgets","action":"describeSubscribersForNotification","parameters":{"AccountId":"123456789012","BudgetName":"b","Notification":{"NotificationType":"ACTUAL","ComparisonOperator":"GREATER_THAN","Threshold":1}},"physicalResourceId":{"id":"x"}}'
    template = {"Resources": {"Read": {"Type": "Custom::AWS", "Properties": {"Create": unserved}}}}
    with emulated_aws(), pytest.raises(EmulationError) as caught:
        Engine().deploy("Stack", template, management())
    assert str(caught.value).startswith("Stack/Read (Custom::AWS): moto does not emulate this call")
    assert "describe_subscribers_for_notification" in str(caught.value)
