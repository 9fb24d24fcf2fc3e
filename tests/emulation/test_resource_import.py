"""Resource import into the emulator (orgboot/emulator/importing.py): an organization made by hand
with plain boto3 calls is adopted by `cdk import` of the adopt assembly, then deployed as usual.
Nothing adopted changes, and what CloudFormation refuses of an import is refused in its words."""

import json
from dataclasses import dataclass
from pathlib import Path

import aws_cdk as cdk
import pytest

import stacks
from orgboot.emulator import EmulationError, Engine, deploy_assembly, emulated_aws, management
from orgboot.emulator.importing import Drift, import_assembly, import_stack
from orgboot.rules import load_spec
from orgboot.spec import OrgSpec, layout, logical_ids
from orgboot.spec.adoption import Adoption
from tests.conftest import CDK_CONTEXT, synth

SPEC = """
organization:
  feature_set: ALL
  policy_types: [SERVICE_CONTROL_POLICY]
organizational_units: [Workloads/Prod]
accounts:
  shop-prod: {name: Shop Prod, email: aws+shop-prod@acme-corp.io, ou: Workloads/Prod, tags: {cost-center: "1234"}}
  tools: {name: Tools, email: aws+tools@acme-corp.io, ou: Root}
policies:
  deny-leaving:
    type: SERVICE_CONTROL_POLICY
    description: Accounts stay in the organization.
    document: deny-leaving.json
    targets: [Root, Workloads]
"""
SHARDED = SPEC.replace("  feature_set: ALL\n", "  feature_set: ALL\n  account_stacks: 2\n")
DENY_LEAVING = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}
ORG = layout.ORGANIZATION_STACK
OU, PROD = logical_ids.ou("Workloads"), logical_ids.ou("Workloads/Prod")
SHOP, TOOLS, POLICY = logical_ids.account("shop-prod"), logical_ids.account("tools"), logical_ids.policy("deny-leaving")


@dataclass(frozen=True)
class Existing:
    """An organization as the spec describes it, made by hand: the IDs AWS gave it."""

    organization: str
    root: str
    ous: dict[str, str]  # path -> ID
    accounts: dict[str, str]  # key -> ID
    policy: str

    def mappings(self, account_stacks: int | None = None) -> dict[str, dict[str, dict[str, str]]]:
        """What `orgboot import` writes in DIR/cdk-import."""
        mappings = {
            ORG: {logical_ids.ORGANIZATION: {"Id": self.organization}, POLICY: {"Id": self.policy}}
            | {logical_ids.ou(path): {"Id": ou_id} for path, ou_id in self.ous.items()}
        }
        for key, account_id in self.accounts.items():
            mappings.setdefault(layout.account_stack(key, account_stacks), {})[logical_ids.account(key)] = {"AccountId": account_id}
        return mappings


def make_organization() -> Existing:
    """With plain boto3 calls, what SPEC declares: as someone made it by hand, before orgboot."""
    client = management().client("organizations")
    organization = client.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root = client.list_roots()["Roots"][0]["Id"]
    client.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    workloads = client.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
    prod = client.create_organizational_unit(ParentId=workloads, Name="Prod")["OrganizationalUnit"]["Id"]
    accounts = {}
    for key, name, parent, tags in (("shop-prod", "Shop Prod", prod, {"cost-center": "1234"}), ("tools", "Tools", root, {})):
        request = client.create_account(
            AccountName=name, Email=f"aws+{key}@acme-corp.io", Tags=[{"Key": k, "Value": v} for k, v in tags.items()]
        )["CreateAccountStatus"]
        accounts[key] = client.describe_create_account_status(CreateAccountRequestId=request["Id"])["CreateAccountStatus"]["AccountId"]
        client.move_account(AccountId=accounts[key], SourceParentId=root, DestinationParentId=parent)
    policy = client.create_policy(
        Name="deny-leaving",
        Type="SERVICE_CONTROL_POLICY",
        Content=json.dumps(DENY_LEAVING),
        Description="Accounts stay in the organization.",
    )["Policy"]["PolicySummary"]["Id"]
    for target in (root, workloads):
        client.attach_policy(PolicyId=policy, TargetId=target)
    return Existing(organization, root, {"Workloads": workloads, "Workloads/Prod": prod}, accounts, policy)


def write_spec(folder: Path, text: str) -> OrgSpec:
    folder.mkdir(parents=True)
    (folder / "deny-leaving.json").write_text(json.dumps(DENY_LEAVING))
    (folder / "org.yaml").write_text(text)
    return load_spec(folder / "org.yaml")


def adopt_synth(spec: OrgSpec, mappings: dict, root: str, folder: Path) -> Path:
    """`orgboot synth --adopt DIR/cdk-import` (app.py in-process), from mappings as import writes them."""
    (folder / "cdk-import").mkdir(parents=True)
    for stack, mapping in mappings.items():
        (folder / "cdk-import" / f"{stack}.json").write_text(json.dumps(mapping))
    (folder / "cdk-import" / stacks.adoption.IDS_FILE).write_text(json.dumps({"root": root}))
    app = cdk.App(outdir=str(folder / "cdk.adopt.out"), analytics_reporting=False, context=CDK_CONTEXT)
    stacks.build(app, spec, None, adopt=stacks.Adoption.read(folder / "cdk-import"))
    app.synth()
    return folder / "cdk.adopt.out"


@pytest.fixture(scope="module")
def assemblies(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The normal assembly and the adopt assembly of SPEC. In one stack, the adopt assembly refers
    to no ID (the OUs' and the root's come from the imported resources): one serves every test."""
    folder = tmp_path_factory.mktemp("adopt")
    spec = write_spec(folder / "org", SPEC)
    placeholder = Existing(
        "o-placeholder",
        "r-0000",
        {"Workloads": "ou-0000-00000001", "Workloads/Prod": "ou-0000-00000002"},
        {"shop-prod": "000000000001", "tools": "000000000002"},
        "p-00000001",
    )
    return synth(spec, folder / "cdk.out"), adopt_synth(spec, placeholder.mappings(), "r-0000", folder)


def imported_ids(engine: Engine) -> dict[str, str]:
    return {lid: resource.physical_id for lid, resource in engine.stacks[("123456789012", ORG)].resources.items()}


def test_an_adopted_organization_deploys_without_changing_what_was_adopted(assemblies, tmp_path):
    normal, adopt = assemblies
    with emulated_aws():
        existing = make_organization()
        mappings = existing.mappings()
        for stack, mapping in mappings.items():
            (tmp_path / f"{stack}.json").write_text(json.dumps(mapping))
        engine = Engine()
        assert import_assembly(engine, adopt, Adoption.read(tmp_path).mappings) == []  # no drift
        ids = {lid: next(iter(identifier.values())) for lid, identifier in mappings[ORG].items()}
        assert imported_ids(engine) == ids
        assert [(e.logical_id, e.action) for e in engine.events] == [
            (lid, "IMPORT") for lid in (logical_ids.ORGANIZATION, OU, PROD, SHOP, TOOLS, POLICY)
        ]

        imported = len(engine.events)
        deploy_assembly(engine, normal)
        changed = [(e.logical_id, e.action) for e in engine.events[imported:] if e.stack == ORG and e.logical_id in ids]
        assert changed == []
        assert {lid: physical for lid, physical in imported_ids(engine).items() if lid in ids} == ids
        accounts = management().client("organizations").list_accounts()["Accounts"]
        assert len(accounts) == 3  # the management account and the two adopted: none created
        # The deployed template's policies rule from now on: the OU is no longer retained (import's Retain).
        assert engine.stack_resource("123456789012", ORG, OU).deletion_policy == "Delete"  # type: ignore[union-attr]


def test_accounts_in_stacks_of_their_own_are_adopted_under_their_ous(tmp_path):
    spec = write_spec(tmp_path / "org", SHARDED)
    normal = synth(spec, tmp_path / "cdk.out")
    with emulated_aws():
        existing = make_organization()
        mappings = existing.mappings(account_stacks=2)
        adopt = adopt_synth(spec, mappings, existing.root, tmp_path)
        engine = Engine()
        assert import_assembly(engine, adopt, mappings) == []
        assert {e.stack for e in engine.events} == set(mappings)
        imported = len(engine.events)
        deploy_assembly(engine, normal)  # the accounts' stacks look their OUs up: the same IDs
        accounts = {e.logical_id for e in engine.events[imported:] if e.type == "AWS::Organizations::Account"}
        assert accounts == set()


def test_a_property_changed_by_hand_is_drift(assemblies):
    normal, adopt = assemblies
    with emulated_aws():
        existing = make_organization()
        client = management().client("organizations")
        client.tag_resource(ResourceId=existing.accounts["shop-prod"], Tags=[{"Key": "cost-center", "Value": "9999"}])
        client.update_policy(PolicyId=existing.policy, Description="Changed by hand.")
        engine = Engine()
        drifts = import_assembly(engine, adopt, existing.mappings())
        assert drifts == [
            Drift(
                ORG,
                SHOP,
                "AWS::Organizations::Account",
                "Tags",
                [{"Key": "cost-center", "Value": "1234"}],
                [{"Key": "cost-center", "Value": "9999"}],
            ),
            Drift(ORG, POLICY, "AWS::Organizations::Policy", "Description", "Accounts stay in the organization.", "Changed by hand."),
        ]
        # Why the emulator says so: the stack holds the template's values, so a deploy of the same
        # template sees nothing to change, and the drift stays until the template changes.
        imported = len(engine.events)
        deploy_assembly(engine, normal)
        assert [e for e in engine.events[imported:] if e.logical_id in (SHOP, POLICY)] == []
        assert client.list_tags_for_resource(ResourceId=existing.accounts["shop-prod"])["Tags"] == [{"Key": "cost-center", "Value": "9999"}]


def test_a_property_the_template_leaves_out_is_not_drift(assemblies):
    # orgboot leaves OU tags alone (docs/adopt.md): its OUs set no Tags, and drift detection checks
    # only "resource properties explicitly defined in the stack template" (API Reference, DetectStackDrift).
    _, adopt = assemblies
    assert "Tags" not in json.loads((adopt / f"{ORG}.template.json").read_text())["Resources"][PROD]["Properties"]
    with emulated_aws():
        existing = make_organization()
        client = management().client("organizations")
        client.tag_resource(ResourceId=existing.ous["Workloads/Prod"], Tags=[{"Key": "owner", "Value": "shop-team"}])
        client.tag_resource(ResourceId=existing.policy, Tags=[{"Key": "owner", "Value": "platform"}])
        assert import_assembly(Engine(), adopt, existing.mappings()) == []


def test_unknown_mapping_entries_and_skipped_resources_are_warned_about(assemblies):
    _, adopt = assemblies
    with emulated_aws():
        existing = make_organization()
        mappings = existing.mappings()
        del mappings[ORG][POLICY]
        mappings[ORG]["AccountGhost"] = {"AccountId": "999999999999"}
        warnings: list[str] = []
        assert import_assembly(Engine(), adopt, mappings, on_warning=warnings.append) == []
    assert warnings == [
        f"{ORG}: Unrecognized resource identifiers in mapping file: AccountGhost",
        f"{ORG}: skipped {POLICY}. Some resources were skipped. Run another cdk import or a cdk deploy to bring the stack up-to-date"
        " with your CDK app definition.",
    ]


def refused(engine: Engine, message: str) -> None:
    """The import failed as a whole: nothing is held, no event says otherwise."""
    assert engine.events == [], message
    assert (management().account_id, ORG) not in engine.stacks


def test_a_suspended_account_cannot_be_imported(assemblies):
    _, adopt = assemblies
    with emulated_aws():
        existing = make_organization()
        management().client("organizations").close_account(AccountId=existing.accounts["tools"])
        engine = Engine()
        with pytest.raises(EmulationError) as caught:
            import_assembly(engine, adopt, existing.mappings())
        assert str(caught.value) == (
            f"{ORG}/{TOOLS} (AWS::Organizations::Account): Account [{existing.accounts['tools']}] in state [SUSPENDED],"
            " suspended account will not be managed by CloudFormation, return NotFound."
        )
        refused(engine, str(caught.value))


def test_an_identifier_that_names_nothing_is_not_found(assemblies):
    _, adopt = assemblies
    with emulated_aws():
        mappings = make_organization().mappings()
        mappings[ORG][POLICY] = {"Id": "p-00000000"}
        engine = Engine()
        with pytest.raises(EmulationError) as caught:
            import_assembly(engine, adopt, mappings)
        assert str(caught.value) == (
            f"{ORG}/{POLICY} (AWS::Organizations::Policy): Resource of type 'AWS::Organizations::Policy' with identifier 'p-00000000' was not found."
        )
        refused(engine, str(caught.value))


def test_the_identifier_is_the_types_primary_identifier(assemblies):
    _, adopt = assemblies
    with emulated_aws():
        mappings = make_organization().mappings()
        mappings[ORG][SHOP] = {"Id": mappings[ORG][SHOP]["AccountId"]}
        engine = Engine()
        with pytest.raises(EmulationError) as caught:
            import_assembly(engine, adopt, mappings)
        assert str(caught.value) == (
            f"{ORG}/{SHOP} (AWS::Organizations::Account): the resource identifier must be [AccountId], the type's primary identifier, not [Id]"
        )
        refused(engine, str(caught.value))


def test_an_imported_resource_must_not_refer_to_one_left_out(assemblies):
    _, adopt = assemblies
    with emulated_aws():
        mappings = make_organization().mappings()
        del mappings[ORG][PROD]  # the account under it stays mapped: its ParentIds and DependsOn name it
        engine = Engine()
        with pytest.raises(EmulationError) as caught:
            import_assembly(engine, adopt, mappings, on_warning=lambda _: None)
        assert str(caught.value) == (
            f"{ORG}: Template format error: Unresolved resource dependencies [{PROD}] in the Resources block of the template"
        )
        refused(engine, str(caught.value))


def hand_written(existing: Existing, **ou: object) -> dict:
    """A template importing the Prod OU, as someone would write it for `aws cloudformation create-change-set --change-set-type IMPORT`."""
    prod = {
        "Type": "AWS::Organizations::OrganizationalUnit",
        "DeletionPolicy": "Retain",
        "Properties": {"Name": "Prod", "ParentId": existing.ous["Workloads"]},
    }
    return {"Resources": {"Prod": {**prod, **ou}}}


def test_a_resource_to_import_needs_a_deletion_policy():
    with emulated_aws():
        existing = make_organization()
        template = hand_written(existing)
        del template["Resources"]["Prod"]["DeletionPolicy"]
        with pytest.raises(
            EmulationError,
            match=r"^Hand: The following resources to import \[Prod\] must have DeletionPolicy attribute specified in the template\.$",
        ):
            import_stack(Engine(), "Hand", template, management(), {"Prod": {"Id": existing.ous["Workloads/Prod"]}})


def test_a_depends_on_must_name_a_resource_of_the_template():
    with emulated_aws():
        existing = make_organization()
        with pytest.raises(
            EmulationError, match=r"^Hand: Template format error: Unresolved resource dependencies \[Workloads\] in the Resources block"
        ):
            import_stack(
                Engine(),
                "Hand",
                hand_written(existing, DependsOn="Workloads"),
                management(),
                {"Prod": {"Id": existing.ous["Workloads/Prod"]}},
            )


def test_a_resource_belongs_to_one_stack_only(assemblies):
    _, adopt = assemblies
    with emulated_aws():
        existing = make_organization()
        engine = Engine()
        import_assembly(engine, adopt, existing.mappings())
        prod = existing.ous["Workloads/Prod"]
        with pytest.raises(EmulationError) as caught:
            import_stack(engine, "Hand", hand_written(existing), management(), {"Prod": {"Id": prod}})
        assert (
            str(caught.value)
            == f"Hand/Prod (AWS::Organizations::OrganizationalUnit): {prod} already exists in stack arn:aws:cloudformation:us-east-1:123456789012:stack/{ORG}/emulated"
        )
        assert ("123456789012", "Hand") not in engine.stacks


def test_an_import_only_imports(assemblies):
    _, adopt = assemblies
    with emulated_aws():
        existing = make_organization()
        engine = Engine()
        mappings = existing.mappings()
        del mappings[ORG][POLICY]
        import_assembly(engine, adopt, mappings, on_warning=lambda _: None)
        template = engine.current_template("123456789012", ORG)
        template["Resources"][OU]["Properties"]["Name"] = "Renamed"
        template["Resources"]["Extra"] = {"Type": "AWS::CloudFormation::WaitConditionHandle"}
        template["Resources"][POLICY] = json.loads(json.dumps(template["Resources"][PROD]))  # any definition: refused before it is read
        with pytest.raises(
            EmulationError, match=rf"^{ORG}: You have modified resources \[Extra, {OU}\] in your template that are not being imported\."
        ):
            import_stack(engine, ORG, template, management(), {POLICY: {"Id": existing.policy}})


def test_what_cannot_be_imported_is_refused():
    with emulated_aws():
        existing = make_organization()
        custom = {"Lookup": {"Type": "Custom::OrganizationalUnitIds", "DeletionPolicy": "Retain", "Properties": {"ServiceToken": "arn"}}}
        with pytest.raises(EmulationError, match=r"^Hand: ResourceTypes \[Custom::OrganizationalUnitIds\] are not supported for Import$"):
            import_stack(Engine(), "Hand", {"Resources": custom}, management(), {"Lookup": {"Id": "x"}})
        full_access = {
            "FullAWSAccess": {
                "Type": "AWS::Organizations::Policy",
                "DeletionPolicy": "Retain",
                "Properties": {
                    "Name": "FullAWSAccess",
                    "Type": "SERVICE_CONTROL_POLICY",
                    "Content": {"Version": "2012-10-17"},
                    "TargetIds": [existing.root],
                },
            }
        }
        with pytest.raises(
            EmulationError,
            match=r"^Hand/FullAWSAccess \(AWS::Organizations::Policy\): policy p-FullAWSAccess \(FullAWSAccess\) is AWS managed",
        ):
            import_stack(Engine(), "Hand", {"Resources": full_access}, management(), {"FullAWSAccess": {"Id": "p-FullAWSAccess"}})
