"""Policy types on the root. Enabling or disabling one is asynchronous, and Organizations refuses a
change while another is in progress: each type is enabled, or disabled, and waited for before the
next starts (constructs/organization_root.py), and a policy attaches only once its type is ENABLED.
The emulator's rules are in orgboot/emulator/policy_types.py."""

import textwrap

import pytest

from orgboot.emulator import EmulationError, Engine, deploy_assembly, emulated_aws, management
from orgboot.spec import logical_ids
from tests.conftest import EXAMPLE_PARAMETERS, edited, example_variant, synth
from tests.support.inline_code import without_retries_on

SETTLER = "Custom::PolicyTypeEnabled"
STACK = "OrganizationStack"


def drop_ai_opt_out(data):
    data["organization"]["policy_types"].remove("AISERVICES_OPT_OUT_POLICY")
    del data["policies"]["ai-opt-out"]


def drop_tag_and_ai_opt_out(data):
    drop_ai_opt_out(data)
    data["organization"]["policy_types"].remove("TAG_POLICY")
    del data["policies"]["cost-center-tag"]


@pytest.fixture(scope="module")
def without_ai_opt_out(tmp_path_factory):
    """The example without the AI opt-out type and its policy, synthesized once for the module."""
    directory = tmp_path_factory.mktemp("without-ai-opt-out")
    return synth(example_variant(directory, drop_ai_opt_out), directory / "cdk.out")


@pytest.fixture(scope="module")
def without_two_types(tmp_path_factory):
    """The example without the tag and AI opt-out types and their policies."""
    directory = tmp_path_factory.mktemp("without-two-types")
    return synth(example_variant(directory, drop_tag_and_ai_opt_out), directory / "cdk.out")


def deploy(engine, *assemblies):
    for assembly in assemblies:
        deploy_assembly(engine, assembly, EXAMPLE_PARAMETERS)


def root_types():
    (root,) = management().client("organizations").list_roots()["Roots"]
    return {summary["Type"]: summary["Status"] for summary in root["PolicyTypes"]}


def settlers(template):
    return {lid: r for lid, r in template["Resources"].items() if r["Type"] == SETTLER}


def back_to_back(template):
    """The chain as it was before the settlers: each enabler waits only for the enabler before it,
    and nothing between them waits until a type is ENABLED."""
    resources = template["Resources"]
    for logical_id, settler in settlers(template).items():
        del resources[logical_id]
        for other in resources.values():
            if logical_id in other.get("DependsOn", []):
                kept = [d for d in other["DependsOn"] if d != logical_id]
                other["DependsOn"] = kept + [d for d in settler["DependsOn"] if d not in kept]


def test_removing_a_policy_type_disables_it(example_assembly, without_ai_opt_out):
    changed = without_ai_opt_out
    with emulated_aws():
        engine = Engine()
        deploy(engine, example_assembly, changed)
        types = root_types()
    assert types == {"SERVICE_CONTROL_POLICY": "ENABLED", "RESOURCE_CONTROL_POLICY": "ENABLED", "TAG_POLICY": "ENABLED"}
    # The enabler disables the type, then its settler waits until it is gone.
    enabler, settler = (f("AISERVICES_OPT_OUT_POLICY") for f in (logical_ids.policy_type_enabler, logical_ids.policy_type_settler))
    assert [(e.logical_id, e.action) for e in engine.events if e.logical_id in (enabler, settler)][-2:] == [
        (enabler, "DELETE"),
        (settler, "DELETE"),
    ]


def test_removing_two_types_in_one_change_disables_one_after_the_other(example_assembly, without_two_types):
    changed = without_two_types
    removed = {logical_ids.policy_type_enabler(t) for t in ("TAG_POLICY", "AISERVICES_OPT_OUT_POLICY")} | {
        logical_ids.policy_type_settler(t) for t in ("TAG_POLICY", "AISERVICES_OPT_OUT_POLICY")
    }
    with emulated_aws():
        engine = Engine()
        deploy(engine, example_assembly)
        engine.events.clear()
        deploy(engine, changed)
        types = root_types()
    assert types == {"SERVICE_CONTROL_POLICY": "ENABLED", "RESOURCE_CONTROL_POLICY": "ENABLED"}
    assert [e.logical_id for e in engine.events if e.logical_id in removed] == [
        "OrganizationEnableAiservicesOptOutPolicy298EEFC7",  # DisablePolicyType: PENDING_DISABLE
        "PolicyTypeEnabledAiservicesOptOutPolicy",  # waits until it is gone
        "OrganizationEnableTagPolicy8ACDA810",  # only then the next DisablePolicyType
        "PolicyTypeEnabledTagPolicy",
    ]


def test_an_upgraded_organization_removes_two_types_one_after_the_other(tmp_path, example_assembly, without_two_types):
    """A stack whose enablers were deployed back to back, before the settlers, gains the settlers
    on upgrade, after them. A later change that removes two types still disables them one at a
    time: CloudFormation deletes removed resources in the reverse order of the dependencies of the
    template they were deployed with, whatever the order they were created in."""
    old_chain = edited(example_assembly, tmp_path / "old", STACK, back_to_back)
    without_two = without_two_types
    removed = [
        f(t)
        for t in ("AISERVICES_OPT_OUT_POLICY", "TAG_POLICY")
        for f in (logical_ids.policy_type_enabler, logical_ids.policy_type_settler)
    ]
    with emulated_aws():
        engine = Engine()
        # As an earlier release left it (created with settlers here: the old chain cannot be created), then upgraded.
        deploy(engine, example_assembly, old_chain, example_assembly)
        engine.events.clear()
        deploy(engine, without_two)
        types = root_types()
    assert types == {"SERVICE_CONTROL_POLICY": "ENABLED", "RESOURCE_CONTROL_POLICY": "ENABLED"}
    assert [e.logical_id for e in engine.events if e.logical_id in removed] == removed


def test_enablers_back_to_back_are_refused_while_the_first_type_is_pending(tmp_path, example_assembly):
    """The chain before the settlers: the second EnablePolicyType runs while the first type is
    PENDING_ENABLE, and the enabler (CDK's AwsCustomResource) does not retry."""
    old_chain = edited(example_assembly, tmp_path, STACK, back_to_back)
    with (
        emulated_aws(),
        pytest.raises(
            EmulationError,
            match=r"OrganizationStack/OrganizationEnableResourceControlPolicyF51BE3E3 \(Custom::AWS\): Organizations.enablePolicyType"
            r" failed: ConcurrentModificationException: .*\(emulator: EnablePolicyType RESOURCE_CONTROL_POLICY while"
            r" SERVICE_CONTROL_POLICY is PENDING_ENABLE",
        ),
    ):
        deploy(Engine(), old_chain)


def test_disablers_back_to_back_are_refused_while_the_first_type_is_pending(tmp_path, example_assembly, without_two_types):
    """Removing two types from a stack whose enablers are back to back: the second
    DisablePolicyType runs while the first type is PENDING_DISABLE."""
    old_chain = edited(example_assembly, tmp_path / "old", STACK, back_to_back)
    without_two = without_two_types
    old_chain_without_two = edited(without_two, tmp_path / "old-without-two", STACK, back_to_back)
    with (
        emulated_aws(),
        pytest.raises(
            EmulationError,
            match=r"OrganizationStack/OrganizationEnableTagPolicy8ACDA810 \(Custom::AWS\): Organizations.disablePolicyType failed:"
            r" ConcurrentModificationException: .*\(emulator: DisablePolicyType TAG_POLICY while AISERVICES_OPT_OUT_POLICY is"
            r" PENDING_DISABLE",
        ),
    ):
        # Deployed with the settlers first (the old chain cannot even be created), then without them.
        deploy(Engine(), example_assembly, old_chain, old_chain_without_two)


def test_a_type_added_with_its_policy_is_enabled_before_the_policy_attaches(example_assembly, without_ai_opt_out):
    without = without_ai_opt_out
    with emulated_aws():
        engine = Engine()
        deploy(engine, without)
        engine.events.clear()
        deploy(engine, example_assembly)  # the type and its policy in one change
        organizations = management().client("organizations")
        types = root_types()
        (opt_out,) = organizations.list_policies(Filter="AISERVICES_OPT_OUT_POLICY")["Policies"]
        targets = organizations.list_targets_for_policy(PolicyId=opt_out["Id"])["Targets"]
    assert types["AISERVICES_OPT_OUT_POLICY"] == "ENABLED"
    assert [t["Type"] for t in targets] == ["ROOT"]
    changes = [(e.logical_id, e.action) for e in engine.events if e.stack == STACK]
    settle = changes.index(("PolicyTypeEnabledAiservicesOptOutPolicy", "CREATE"))
    enable = changes.index(("OrganizationEnableAiservicesOptOutPolicy298EEFC7", "CREATE"))
    attach = changes.index(("PolicyAiOptOut", "CREATE"))
    assert settle < enable < attach


def without_the_first_settler(template):
    """The first type's enabler enables it and returns; the next settler starts while the type is
    still PENDING_ENABLE (as when something else changed a type just before)."""
    resources = template["Resources"]
    first = logical_ids.policy_type_settler("SERVICE_CONTROL_POLICY")
    for resource in resources.values():
        if first in resource.get("DependsOn", []):
            resource["DependsOn"] = [d for d in resource["DependsOn"] if d != first] + resources[first]["DependsOn"]
    del resources[first]


def test_a_settler_retries_while_another_type_is_pending(tmp_path, example_assembly):
    started_pending = edited(example_assembly, tmp_path, STACK, without_the_first_settler)
    with emulated_aws():
        deploy(Engine(), started_pending)
        types = root_types()
    assert set(types.values()) == {"ENABLED"}


def test_a_settler_without_retries_fails_while_another_type_is_pending(tmp_path, example_assembly):
    def started_pending_without_retries(template):
        without_the_first_settler(template)
        without_retries_on("TRY_AGAIN_LATER")(template)

    broken = edited(example_assembly, tmp_path, STACK, started_pending_without_retries)
    with (
        emulated_aws(),
        pytest.raises(
            EmulationError,
            match=r"OrganizationStack/PolicyTypeEnabledResourceControlPolicy \(Custom::PolicyTypeEnabled\): Received response"
            r" status \[FAILED\] .* \(ConcurrentModificationException\) when calling the EnablePolicyType operation",
        ),
    ):
        deploy(Engine(), broken)


def test_a_settler_reports_a_type_that_never_becomes_enabled(tmp_path, example_assembly):
    """The settler polls until its function's time is nearly up, then fails the resource and says
    which state the type is in (its code runs in the emulator, time fast-forwarded)."""

    def never_enabled(template):
        for resource in template["Resources"].values():
            code = resource.get("Properties", {}).get("Code", {}).get("ZipFile", "")
            if 'ENABLED, NOT_ENABLED, GONE = "ENABLED"' in code:
                code = code.replace('ENABLED, NOT_ENABLED, GONE = "ENABLED"', 'ENABLED, NOT_ENABLED, GONE = "NEVER"')
                resource["Properties"]["Code"]["ZipFile"] = code

    broken = edited(example_assembly, tmp_path, STACK, never_enabled)
    with (
        emulated_aws(),
        pytest.raises(
            EmulationError,
            match=r"OrganizationStack/PolicyTypeEnabledServiceControlPolicy \(Custom::PolicyTypeEnabled\): Received response status"
            r" \[FAILED\] from custom resource. Message returned: TimeoutError: SERVICE_CONTROL_POLICY on r-\w+ is ENABLED, not"
            r" NEVER in time$",
        ),
    ):
        deploy(Engine(), broken)


# An inline function that changes policy types itself and reports what Organizations answered.
CHANGES_TYPES = textwrap.dedent(
    """
    import time
    import boto3
    import cfnresponse
    from botocore.exceptions import ClientError

    def handler(event, context):
        organizations = boto3.client("organizations")
        root = event["ResourceProperties"]["RootId"]
        seen = []

        def status(policy_type):
            (listed,) = organizations.list_roots()["Roots"]
            return next((t["Status"] for t in listed["PolicyTypes"] if t["Type"] == policy_type), "absent")

        def attempt(change, policy_type):
            try:
                getattr(organizations, change)(RootId=root, PolicyType=policy_type)
                seen.append(f"{change} {policy_type}: accepted")
            except ClientError as error:
                seen.append(f"{change} {policy_type}: {error.response['Error']['Code']}")

        def wait_while(policy_type, state):
            while status(policy_type) == state:
                time.sleep(1)
            seen.append(f"{policy_type}: {status(policy_type)}")

        attempt("enable_policy_type", "SERVICE_CONTROL_POLICY")
        seen.append(f"SERVICE_CONTROL_POLICY: {status('SERVICE_CONTROL_POLICY')}")
        attempt("enable_policy_type", "TAG_POLICY")
        wait_while("SERVICE_CONTROL_POLICY", "PENDING_ENABLE")
        attempt("enable_policy_type", "TAG_POLICY")
        wait_while("TAG_POLICY", "PENDING_ENABLE")
        attempt("disable_policy_type", "TAG_POLICY")
        seen.append(f"TAG_POLICY: {status('TAG_POLICY')}")
        attempt("disable_policy_type", "SERVICE_CONTROL_POLICY")
        wait_while("TAG_POLICY", "PENDING_DISABLE")
        cfnresponse.send(event, context, cfnresponse.SUCCESS, {"Seen": "|".join(seen)}, "changes")
    """
)


def organization_and_role():
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    actions = ["organizations:EnablePolicyType", "organizations:DisablePolicyType", "organizations:ListRoots"]
    return {
        "Org": {"Type": "AWS::Organizations::Organization", "Properties": {"FeatureSet": "ALL"}},
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", **trust}}},
        "Grant": {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "grant",
                "Roles": [{"Ref": "Role"}],
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]},
            },
        },
    }


def test_a_change_of_policy_type_is_refused_while_another_is_pending():
    """What code sees: ListRoots shows PENDING_ENABLE or PENDING_DISABLE until the change is done,
    and a change of another type meanwhile is refused (ConcurrentModificationException)."""
    function = {
        "Function": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Code": {"ZipFile": CHANGES_TYPES},
                "Handler": "index.handler",
                "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "Runtime": "python3.13",
                "Timeout": 300,
            },
        },
        "Changes": {
            "Type": "Custom::Changes",
            "Properties": {"ServiceToken": {"Fn::GetAtt": ["Function", "Arn"]}, "RootId": {"Fn::GetAtt": ["Org", "RootId"]}},
        },
    }
    with emulated_aws():
        engine = Engine()
        # The role's policy first, in a deploy of its own: a new one has yet to propagate (iam_propagation.py).
        engine.deploy("Stack", {"Resources": organization_and_role()}, management())
        state = engine.deploy("Stack", {"Resources": {**organization_and_role(), **function}}, management())
    assert state.resources["Changes"].attributes["Seen"].split("|") == [
        "enable_policy_type SERVICE_CONTROL_POLICY: accepted",
        "SERVICE_CONTROL_POLICY: PENDING_ENABLE",
        "enable_policy_type TAG_POLICY: ConcurrentModificationException",
        "SERVICE_CONTROL_POLICY: ENABLED",
        "enable_policy_type TAG_POLICY: accepted",
        "TAG_POLICY: ENABLED",
        "disable_policy_type TAG_POLICY: accepted",
        "TAG_POLICY: PENDING_DISABLE",
        "disable_policy_type SERVICE_CONTROL_POLICY: ConcurrentModificationException",
        "TAG_POLICY: absent",
    ]
