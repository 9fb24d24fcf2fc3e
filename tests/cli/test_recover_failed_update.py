"""docs/adopt.md, "Recovering a failed deploy", an update: an update with rollback (a plain `cdk
deploy`) that created an account and then failed returns the stack to its previous template
(UPDATE_ROLLBACK_COMPLETE), and the account, retained, stays in AWS outside the stack: the next
deploy fails on its email. `orgboot import --mappings-for` and `cdk import` take it back into the
stack, and the deploy that follows creates only what is still missing."""

import pytest

from orgboot.cli.main import main
from orgboot.emulator import EmulationError, Engine, deploy_assembly
from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID, emulated_aws
from orgboot.emulator.importing import import_assembly
from orgboot.spec import layout, logical_ids
from orgboot.spec.adoption import Adoption
from tests.cli.test_adopt import synth_adopt
from tests.conftest import EXAMPLE_PARAMETERS, example_variant, synth

NEW = ("shop-staging", "shop-qa")


def two_more_accounts(data):
    for key in NEW:
        data["accounts"][key] = {"name": key.replace("-", " ").title(), "email": f"aws+{key}@example.com", "ou": "Workloads/Prod"}


def test_an_account_a_rolled_back_update_left_behind_is_taken_back(example_spec, example_assembly, tmp_path):
    grown_spec = example_variant(tmp_path / "grown", two_more_accounts)
    spec_file = tmp_path / "grown" / "org.yaml"
    grown = synth(grown_spec, tmp_path / "grown" / "cdk.out", spec_file)
    with emulated_aws():
        engine = Engine(account_quota=len(example_spec.accounts) + 2)  # room for one of the two
        deploy_assembly(engine, example_assembly, EXAMPLE_PARAMETERS)
        with pytest.raises(EmulationError, match=r"ACCOUNT_LIMIT_EXCEEDED.*OrganizationStack is UPDATE_ROLLBACK_COMPLETE; retained, now"):
            deploy_assembly(engine, grown, EXAMPLE_PARAMETERS, rollback=True)
        created = [e.logical_id for e in engine.events if e.logical_id in {logical_ids.account(k) for k in NEW} and e.action == "CREATE"]
        assert len(created) == 1
        (orphan,) = created
        assert engine.stack_resource(MANAGEMENT_ACCOUNT_ID, layout.ORGANIZATION_STACK, orphan) is None

        engine.account_quota = 10  # the increase approved: the next deploy still fails, on the orphan's email
        with pytest.raises(
            EmulationError, match=rf"OrganizationStack/{orphan} .*Account with email \[aws\+shop-\w+@example.com\] already exists"
        ):
            deploy_assembly(engine, grown, EXAMPLE_PARAMETERS, rollback=True)

        assert main(["import", "--mappings-for", str(spec_file), "--out", str(tmp_path / "recover")]) == 0
        mappings = Adoption.read(tmp_path / "recover" / "cdk-import").mappings
        adopt = synth_adopt(grown_spec, tmp_path / "recover" / "cdk-import", tmp_path / "cdk.adopt.out")
        warnings: list[str] = []
        first = len(engine.events)
        assert import_assembly(engine, adopt, mappings, on_warning=warnings.append) == []
        assert [(e.logical_id, e.action) for e in engine.events[first:]] == [(orphan, "IMPORT")]
        assert warnings, "the CDK CLI says which mapped resources the stack holds already"

        first = len(engine.events)
        deploy_assembly(engine, grown, EXAMPLE_PARAMETERS)
        accounts = [(e.logical_id, e.action) for e in engine.events[first:] if e.type == "AWS::Organizations::Account"]
    (missing,) = {logical_ids.account(key) for key in NEW} - {orphan}
    assert accounts == [(missing, "CREATE")]
