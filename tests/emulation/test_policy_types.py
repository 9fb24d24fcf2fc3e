"""Policy types added to or removed from org.yaml on an update: a removed one is disabled by its
enabler's delete call; an added one is enabled, waited for, and only then has policies attached."""

from orgboot.emulator import Engine, deploy_assembly, emulated_aws, management
from tests.conftest import EXAMPLE_PARAMETERS, example_variant, synth


def drop_ai_opt_out(data):
    data["organization"]["policy_types"].remove("AISERVICES_OPT_OUT_POLICY")
    del data["policies"]["ai-opt-out"]


def test_removing_a_policy_type_disables_it(tmp_path, example_assembly):
    changed = synth(example_variant(tmp_path, drop_ai_opt_out), tmp_path / "cdk.out")
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, example_assembly, EXAMPLE_PARAMETERS)
        deploy_assembly(engine, changed, EXAMPLE_PARAMETERS)
        root = management().client("organizations").list_roots()["Roots"][0]
    enabled = {t["Type"] for t in root["PolicyTypes"] if t["Status"] == "ENABLED"}
    assert enabled == {"SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY", "TAG_POLICY"}
    assert ("OrganizationEnableAiservicesOptOutPolicy298EEFC7", "DELETE") in {(e.logical_id, e.action) for e in engine.events}


def test_a_type_added_with_its_policy_is_enabled_before_the_policy_attaches(tmp_path, example_assembly):
    without = synth(example_variant(tmp_path, drop_ai_opt_out), tmp_path / "cdk.out")
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, without, EXAMPLE_PARAMETERS)
        engine.events.clear()
        deploy_assembly(engine, example_assembly, EXAMPLE_PARAMETERS)  # the type and its policy in one change
        organizations = management().client("organizations")
        (root,) = organizations.list_roots()["Roots"]
        (opt_out,) = organizations.list_policies(Filter="AISERVICES_OPT_OUT_POLICY")["Policies"]
        targets = organizations.list_targets_for_policy(PolicyId=opt_out["Id"])["Targets"]
    assert {"Type": "AISERVICES_OPT_OUT_POLICY", "Status": "ENABLED"} in root["PolicyTypes"]
    assert [t["Type"] for t in targets] == ["ROOT"]
    changes = [(e.type, e.action) for e in engine.events if e.stack == "OrganizationStack"]
    assert changes.index(("Custom::AWS", "CREATE")) < changes.index(("Custom::PolicyTypesEnabled", "UPDATE"))
    assert changes.index(("Custom::PolicyTypesEnabled", "UPDATE")) < changes.index(("AWS::Organizations::Policy", "CREATE"))
