"""A policy type removed from org.yaml is disabled on the root by its enabler's delete call."""

from orgboot.emulator import Engine, deploy_assembly, emulated_aws, management
from tests.conftest import EXAMPLE_PARAMETERS, example_variant, synth


def test_removing_a_policy_type_disables_it(tmp_path, example_assembly):
    def drop_ai_opt_out(data):
        data["organization"]["policy_types"].remove("AISERVICES_OPT_OUT_POLICY")
        del data["policies"]["ai-opt-out"]

    changed = synth(example_variant(tmp_path, drop_ai_opt_out), tmp_path / "cdk.out")
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, example_assembly, EXAMPLE_PARAMETERS)
        deploy_assembly(engine, changed, EXAMPLE_PARAMETERS)
        root = management().client("organizations").list_roots()["Roots"][0]
    enabled = {t["Type"] for t in root["PolicyTypes"] if t["Status"] == "ENABLED"}
    assert enabled == {"SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY", "TAG_POLICY"}
    assert ("OrganizationEnableAiservicesOptOutPolicy298EEFC7", "DELETE") in {(e.logical_id, e.action) for e in engine.events}
