"""The emulator's own mechanics on small hand-written templates."""

import re
from typing import Any

import pytest

from orgboot.emulator import EmulationError, Engine, emulated_aws, management
from orgboot.emulator.engine import parameter_problem
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


def with_provider(resources: dict[str, Any], actions: list[str]) -> dict[str, Any]:
    """`resources` with the provider function their Custom::AWS resources run on, as CDK's
    AwsCustomResource synthesizes it: a role, its policy granting `actions`, the function."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
    grant = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}
    custom = {"ServiceToken": {"Fn::GetAtt": ["Provider", "Arn"]}}
    return {
        "Resources": {
            "ProviderRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": trust}},
            "ProviderPolicy": {
                "Type": "AWS::IAM::Policy",
                "Properties": {"PolicyName": "provider", "Roles": [{"Ref": "ProviderRole"}], "PolicyDocument": grant},
            },
            "Provider": {
                "Type": "AWS::Lambda::Function",
                "DependsOn": "ProviderPolicy",
                "Properties": {
                    "Role": {"Fn::GetAtt": ["ProviderRole", "Arn"]},
                    "Code": {"ZipFile": "-"},
                    "Handler": "index.handler",
                    "Runtime": "nodejs22.x",
                },
            },
            **{
                key: {**value, "DependsOn": [*value.get("DependsOn", []), "Provider"], "Properties": {**custom, **value["Properties"]}}
                if value["Type"] == "Custom::AWS"
                else value
                for key, value in resources.items()
            },
        }
    }


def test_custom_aws_resource_runs_its_sdk_call_and_ignores_listed_errors():
    enable = '{"service":"Organizations","action":"enablePolicyType","parameters":{"RootId":"ROOT","PolicyType":"TAG_POLICY"},"physicalResourceId":{"id":"tag"},"ignoreErrorCodesMatching":"PolicyTypeAlreadyEnabledException"}'
    resources = {
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
            "DependsOn": ["Enable"],
            "Properties": {
                "Create": {
                    "Fn::Join": ["", enable.split("ROOT", 1)[:1] + [{"Fn::GetAtt": ["Org", "RootId"]}] + enable.split("ROOT", 1)[1:]]
                }
            },
        },
    }
    with emulated_aws():
        state = Engine().deploy("Stack", with_provider(resources, ["organizations:EnablePolicyType"]), management())
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
    unserved = '{"service":"Organizations","action":"listHandshakesForOrganization","physicalResourceId":{"id":"x"}}'
    template = with_provider({"Read": {"Type": "Custom::AWS", "Properties": {"Create": unserved}}}, ["organizations:List*"])
    with emulated_aws(), pytest.raises(EmulationError) as caught:
        Engine().deploy("Stack", template, management())
    assert str(caught.value).startswith("Stack/Read (Custom::AWS): moto does not emulate this call")
    assert "list_handshakes_for_organization" in str(caught.value)


ACTIVATE = '{"service":"CloudFormation","action":"activateOrganizationsAccess","physicalResourceId":{"id":"on"}}'


def test_a_custom_resource_call_its_provider_role_may_not_make_fails():
    """The call runs as the provider function's role: every action it needs must be allowed."""
    resources = {"Activate": {"Type": "Custom::AWS", "Properties": {"Create": ACTIVATE}}}
    with emulated_aws(), pytest.raises(EmulationError) as caught:
        Engine().deploy("Stack", with_provider(resources, ["cloudformation:ActivateOrganizationsAccess"]), management())
    assert re.fullmatch(
        r"Stack/Activate \(Custom::AWS\): AccessDenied: arn:aws:iam::123456789012:role/Stack-ProviderRole-[0-9A-F]{13}"
        r" is not authorized to perform: organizations:EnableAWSServiceAccess on resource: \*"
        r" \(CloudFormation.activateOrganizationsAccess needs it\): no identity policy allows it",
        str(caught.value),
    )


def test_a_denying_statement_is_named():
    resources = {"Activate": {"Type": "Custom::AWS", "Properties": {"Create": ACTIVATE}}}
    template = with_provider(resources, ["*"])
    template["Resources"]["ProviderPolicy"]["Properties"]["PolicyDocument"]["Statement"].append(
        {"Sid": "NoRoles", "Effect": "Deny", "Action": "iam:CreateServiceLinkedRole", "Resource": "*"}
    )
    with (
        emulated_aws(),
        pytest.raises(
            EmulationError, match="iam:CreateServiceLinkedRole .*explicitly denied .*provider attached to role .*statement 'NoRoles'"
        ),
    ):
        Engine().deploy("Stack", template, management())


def test_a_custom_resource_call_with_every_needed_action_runs():
    needed = [
        "cloudformation:ActivateOrganizationsAccess",
        "organizations:EnableAWSServiceAccess",
        "iam:CreateServiceLinkedRole",
        "iam:GetRole",
    ]
    resources = {
        "Org": {"Type": "AWS::Organizations::Organization", "Properties": {"FeatureSet": "ALL"}},
        "Activate": {"Type": "Custom::AWS", "DependsOn": ["Org"], "Properties": {"Create": ACTIVATE}},
    }
    with emulated_aws():
        engine = Engine()
        engine.deploy("Stack", with_provider(resources, needed), management())
        assert engine.stack_sets_trusted_access


def test_changes_to_the_organization_must_be_ordered():
    """Organizations refuses concurrent changes: two OUs under the root that nothing orders may run
    at once; so may an enabler and an OU (a Custom::AWS call to Organizations counts too)."""
    enable = '{"service":"Organizations","action":"enablePolicyType","parameters":{"RootId":"r-1","PolicyType":"TAG_POLICY"}}'
    ou: dict[str, Any] = {
        "Type": "AWS::Organizations::OrganizationalUnit",
        "Properties": {"Name": "A", "ParentId": {"Fn::GetAtt": ["Org", "RootId"]}},
    }
    organization = {"Org": {"Type": "AWS::Organizations::Organization", "Properties": {"FeatureSet": "ALL"}}}
    cases = [
        ({**organization, "A": ou, "B": {**ou, "Properties": {**ou["Properties"], "Name": "B"}}}, "A and B"),
        (
            {**organization, "A": ou, "Enable": {"Type": "Custom::AWS", "DependsOn": ["Org"], "Properties": {"Create": enable}}},
            "A and Enable",
        ),
    ]
    for resources, pair in cases:
        with emulated_aws(), pytest.raises(EmulationError, match=f"Stack: {pair} both change the organization and nothing orders them"):
            Engine().deploy("Stack", with_provider(resources, ["organizations:*"]), management())


def test_ordered_changes_to_the_organization_deploy():
    ou: dict[str, Any] = {
        "Type": "AWS::Organizations::OrganizationalUnit",
        "Properties": {"Name": "A", "ParentId": {"Fn::GetAtt": ["Org", "RootId"]}},
    }
    resources = {
        "Org": {"Type": "AWS::Organizations::Organization", "Properties": {"FeatureSet": "ALL"}},
        "A": ou,
        "B": {**ou, "DependsOn": "A", "Properties": {**ou["Properties"], "Name": "B"}},
    }
    with emulated_aws():
        Engine().deploy("Stack", {"Resources": resources}, management())


def test_calls_with_patterns_python_cannot_read_are_left_to_the_service():
    """Tag values are constrained by a Java regex (\\p{L}) in the service model: not a crash."""
    tag = '{"service":"Organizations","action":"tagResource","parameters":{"ResourceId":"ROOT","Tags":[{"Key":"team","Value":"platform"}]},"physicalResourceId":{"id":"tagged"}}'
    resources = {
        "Org": {"Type": "AWS::Organizations::Organization", "Properties": {"FeatureSet": "ALL"}},
        "Tag": {
            "Type": "Custom::AWS",
            "DependsOn": ["Org"],
            "Properties": {"Create": {"Fn::Join": ["", [tag.split("ROOT")[0], {"Fn::GetAtt": ["Org", "RootId"]}, tag.split("ROOT")[1]]]}},
        },
    }
    with emulated_aws():
        Engine().deploy("Stack", with_provider(resources, ["organizations:TagResource"]), management())
        root = management().client("organizations").list_roots()["Roots"][0]["Id"]
        assert management().client("organizations").list_tags_for_resource(ResourceId=root)["Tags"] == [
            {"Key": "team", "Value": "platform"}
        ]


@pytest.mark.parametrize(
    ("constraint", "message"),
    [
        ({"AllowedPattern": "[a-"}, "Parameter 'P' has a constraint CloudFormation cannot apply"),
        ({"Type": "Number", "MinValue": "low"}, "Parameter 'P' has a constraint CloudFormation cannot apply"),
    ],
)
def test_a_malformed_parameter_constraint_is_reported_not_raised(constraint, message):
    assert (parameter_problem("P", {"Type": "String", **constraint}, "5") or "").startswith(message)


def test_a_managed_policy_removed_before_its_group_leaves_the_group_deletable():
    """Deleting a managed policy detaches it first, so the group's own delete finds no policies."""
    group = {"Type": "AWS::IAM::Group", "Properties": {"GroupName": "Ops"}}
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:List*", "Resource": "*"}]}
    policy = {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": document, "Groups": [{"Ref": "Group"}]}}
    with emulated_aws():
        engine = Engine()
        engine.deploy("Stack", {"Resources": {"Group": group, "Policy": policy}}, management())
        engine.deploy("Stack", {"Resources": {"Group": group}}, management())
        engine.deploy("Stack", {"Resources": {}}, management())
        assert management().client("iam").list_groups()["Groups"] == []


ENABLE_TAG_POLICIES = '{"service":"Organizations","action":"enablePolicyType","parameters":{"RootId":"ROOT","PolicyType":TYPE},"physicalResourceId":{"id":"tag"}}'


def _enable(policy_type: str) -> dict[str, Any]:
    text = ENABLE_TAG_POLICIES.replace("TYPE", policy_type)
    return {"Fn::Join": ["", [text.split("ROOT")[0], {"Fn::GetAtt": ["Org", "RootId"]}, text.split("ROOT")[1]]]}


@pytest.mark.parametrize(
    ("second", "message"),
    [
        # Without ignoreErrorCodesMatching, the service's error fails the resource.
        ('"TAG_POLICY"', r"Stack/Again \(Custom::AWS\): Organizations.enablePolicyType failed: PolicyTypeAlreadyEnabledException"),
        # A parameter of the wrong type is refused by the SDK before any call.
        ('["TAG_POLICY"]', r"Stack/Again \(Custom::AWS\): Parameter validation failed:\nInvalid type for parameter PolicyType"),
    ],
)
def test_a_custom_resource_call_the_service_or_the_sdk_refuses_fails(second, message):
    resources = {
        "Org": {"Type": "AWS::Organizations::Organization", "Properties": {"FeatureSet": "ALL"}},
        "Enable": {"Type": "Custom::AWS", "Properties": {"Create": _enable('"TAG_POLICY"')}},
        "Again": {"Type": "Custom::AWS", "DependsOn": ["Enable"], "Properties": {"Create": _enable(second)}},
    }
    with emulated_aws(), pytest.raises(EmulationError, match=message):
        Engine().deploy("Stack", with_provider(resources, ["organizations:EnablePolicyType"]), management())
