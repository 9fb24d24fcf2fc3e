"""The adopt assembly (`orgboot synth --adopt DIR/cdk-import`): what `cdk import` imports of an
organization that exists. Each resource as the normal synth has it (same logical ID, same
properties), and nothing that an IMPORT change set could not hold: no custom resources, and no
reference to a resource that is not imported with it."""

import json
from pathlib import Path

import aws_cdk as cdk
import pytest

import stacks
from orgboot.cli.main import main
from orgboot.emulator.template import references
from orgboot.rules import load_spec
from orgboot.spec import OrgSpec, layout, logical_ids
from tests.conftest import CDK_CONTEXT, synth, template

IMPORTABLE = {
    "AWS::Organizations::Organization",
    "AWS::Organizations::OrganizationalUnit",
    "AWS::Organizations::Account",
    "AWS::Organizations::Policy",
}
SPEC = """
organization:
  feature_set: ALL
  policy_types: [SERVICE_CONTROL_POLICY, TAG_POLICY]
organizational_units: [Workloads/Prod, Sandbox]
accounts:
  shop-prod: {name: Shop Prod, email: aws+shop-prod@acme-corp.io, ou: Workloads/Prod, tags: {cost-center: "1234"}}
  tools: {name: Tools, email: aws+tools@acme-corp.io, ou: Root}
  sandbox-alice: {name: Sandbox Alice, email: aws+sandbox-alice@acme-corp.io, ou: Sandbox}
policies:
  deny-leaving:
    type: SERVICE_CONTROL_POLICY
    name: Deny Leaving
    description: Accounts stay in the organization.
    document: deny-leaving.json
    targets: [Root, Workloads, legacy]
    tags: {owner: platform}
unmanaged:
  accounts:
    legacy: {id: "111122223333", name: Legacy, email: legacy@acme-corp.io, ou: Root, state: SUSPENDED, why: not active}
"""
# The accounts spread over two stacks (a policy cannot target an account there: none does).
SHARDED = SPEC.replace("  feature_set: ALL\n", "  feature_set: ALL\n  account_stacks: 2\n").replace(", legacy]", "]")
DENY_LEAVING = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}
ROOT_ID = "r-ab12"
OU_IDS = {"Workloads": "ou-ab12-11111111", "Workloads/Prod": "ou-ab12-22222222", "Sandbox": "ou-ab12-33333333"}
ACCOUNT_IDS = {"shop-prod": "210987654321", "tools": "321098765432", "sandbox-alice": "432109876543"}


def write_spec(folder: Path, text: str = SPEC) -> OrgSpec:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "deny-leaving.json").write_text(json.dumps(DENY_LEAVING))
    (folder / "org.yaml").write_text(text)
    return load_spec(folder / "org.yaml")


def write_mappings(folder: Path, spec: OrgSpec, *, skip: tuple[str, ...] = (), root: bool = True) -> Path:
    """DIR/cdk-import as `orgboot import` writes it, for an organization holding what `spec`
    declares, less the logical IDs in `skip`."""
    mappings: dict[str, dict[str, dict[str, str]]] = {
        layout.ORGANIZATION_STACK: {
            logical_ids.ORGANIZATION: {"Id": "o-ab12cd34ef"},
            **{logical_ids.ou(path): {"Id": OU_IDS[path]} for path in spec.ou_paths},
            **{logical_ids.policy(key): {"Id": f"p-{n:08d}"} for n, key in enumerate(spec.organization_policies)},
        }
    }
    for key in spec.accounts:
        stack = layout.account_stack(key, spec.organization.account_stacks)
        mappings.setdefault(stack, {})[logical_ids.account(key)] = {"AccountId": ACCOUNT_IDS[key]}
    folder.mkdir(parents=True, exist_ok=True)
    for stack, mapping in mappings.items():
        (folder / f"{stack}.json").write_text(json.dumps({k: v for k, v in mapping.items() if k not in skip}))
    if root:
        (folder / stacks.adoption.IDS_FILE).write_text(json.dumps({"root": ROOT_ID}))
    return folder


def adopt_synth(spec: OrgSpec, mappings: Path, outdir: Path) -> Path:
    """What app.py synthesizes with the context orgboot:adopt=DIR."""
    app = cdk.App(outdir=str(outdir), analytics_reporting=False, context=CDK_CONTEXT)
    stacks.build(app, spec, None, adopt=stacks.Adoption.read(mappings))
    app.synth()
    return outdir


def stack_names(assembly: Path) -> set[str]:
    return {path.name.removesuffix(".template.json") for path in assembly.glob("*.template.json")}


def dangling(resources: dict) -> set[str]:
    """What the resources refer to (Ref, Fn::GetAtt, DependsOn) that is not among them."""
    found: set[str] = set()
    for resource in resources.values():
        depends_on = resource.get("DependsOn", [])
        found |= {*([depends_on] if isinstance(depends_on, str) else depends_on), *references(resource.get("Properties", {}))}
    return {name for name in found - set(resources) if not name.startswith("AWS::")}


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> OrgSpec:
    return write_spec(tmp_path_factory.mktemp("adopt-spec"))


@pytest.fixture(scope="module")
def normal(spec: OrgSpec, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return template(synth(spec, tmp_path_factory.mktemp("normal") / "cdk.out"), layout.ORGANIZATION_STACK)["Resources"]


def test_each_resource_is_imported_as_the_normal_synth_has_it(spec, normal, tmp_path):
    assembly = adopt_synth(spec, write_mappings(tmp_path / "cdk-import", spec), tmp_path / "cdk.adopt.out")
    assert stack_names(assembly) == {layout.ORGANIZATION_STACK}  # nothing to import in the baseline and roles
    resources = template(assembly, layout.ORGANIZATION_STACK)["Resources"]
    importable = {lid: resource for lid, resource in normal.items() if resource["Type"] in IMPORTABLE}
    assert set(resources) == set(importable)  # no enablers, no waiter, no CDK metadata
    for logical_id, resource in resources.items():
        assert resource["Properties"] == importable[logical_id]["Properties"], logical_id
        assert resource.get("DeletionPolicy") == importable[logical_id].get("DeletionPolicy"), logical_id
    assert dangling(resources) == set()
    assert {"Custom::AWS", "Custom::PolicyTypeEnabled"} <= {r["Type"] for r in normal.values()}  # what was left out
    # The policy as AWS holds it: its own name, its tags, and still attached to an account orgboot leaves alone.
    policy = resources[logical_ids.policy("deny-leaving")]["Properties"]
    assert policy["Name"] == "Deny Leaving"
    assert policy["Tags"] == [{"Key": "owner", "Value": "platform"}]
    assert "111122223333" in policy["TargetIds"]


def test_account_stacks_take_their_parents_literally(spec, normal, tmp_path):
    sharded = write_spec(tmp_path / "org", SHARDED)
    assembly = adopt_synth(sharded, write_mappings(tmp_path / "cdk-import", sharded), tmp_path / "cdk.adopt.out")
    shards = {layout.account_stack(key, 2) for key in sharded.accounts}
    assert stack_names(assembly) == {layout.ORGANIZATION_STACK, *shards}
    parents = {**OU_IDS, "Root": ROOT_ID}
    for stack in shards:
        resources = template(assembly, stack)["Resources"]
        assert dangling(resources) == set()
        assert {r["Type"] for r in resources.values()} == {"AWS::Organizations::Account"}  # no OU lookup
        for key, account in sharded.accounts.items():
            logical_id = logical_ids.account(key)
            if logical_id in resources:
                properties = resources[logical_id]["Properties"]
                assert properties["ParentIds"] == [parents[account.ou]]
                # The rest as the normal synth has it (there the parent is looked up while deploying).
                assert {k: v for k, v in properties.items() if k != "ParentIds"} == {
                    k: v for k, v in normal[logical_id]["Properties"].items() if k != "ParentIds"
                }


def test_what_the_mappings_leave_out_is_left_out(spec, tmp_path):
    # A new account and a new policy: `orgboot deploy` creates them after the import.
    skip = (logical_ids.account("sandbox-alice"), logical_ids.policy("deny-leaving"))
    assembly = adopt_synth(spec, write_mappings(tmp_path / "cdk-import", spec, skip=skip), tmp_path / "cdk.adopt.out")
    resources = template(assembly, layout.ORGANIZATION_STACK)["Resources"]
    assert not set(skip) & set(resources)
    assert logical_ids.account("tools") in resources
    assert dangling(resources) == set()


def test_an_imported_resource_that_refers_to_one_not_imported_is_refused(spec, tmp_path):
    mappings = write_mappings(tmp_path / "cdk-import", spec, skip=(logical_ids.ou("Workloads/Prod"),))
    with pytest.raises(
        stacks.NotAdoptable, match=r"account shop-prod refers to Workloads/Prod, which OrganizationStack's mapping does not name"
    ):
        adopt_synth(spec, mappings, tmp_path / "cdk.adopt.out")


def test_an_account_stack_needs_the_root_id_for_accounts_under_the_root(tmp_path):
    sharded = write_spec(tmp_path / "org", SHARDED)
    mappings = write_mappings(tmp_path / "cdk-import", sharded, root=False)
    with pytest.raises(stacks.NotAdoptable, match=r'no ID for Root: .* _ids.json gives the root\'s \(\{"root": "r-\.\.\."\}\)'):
        adopt_synth(sharded, mappings, tmp_path / "cdk.adopt.out")


def test_orgboot_synth_adopt_writes_the_adopt_assembly(tmp_path, capsys):
    """The CLI names the folder in the context the app reads (one key: orgboot/spec/adoption.py),
    through the real CDK CLI."""
    sharded = write_spec(tmp_path / "org", SHARDED)
    mappings = write_mappings(tmp_path / "cdk-import", sharded)
    out = tmp_path / "cdk.adopt.out"
    assert main(["synth", str(tmp_path / "org" / "org.yaml"), "--adopt", str(mappings), "--output", str(out)]) == 0
    shards = sorted({layout.account_stack(key, 2) for key in sharded.accounts})
    assert stack_names(out) == {layout.ORGANIZATION_STACK, *shards}
    # The CDK CLI reports its version in a CDKMetadata resource, which `cdk import` leaves out.
    assert {r["Type"] for r in template(out, layout.ORGANIZATION_STACK)["Resources"].values()} - {"AWS::CDK::Metadata"} <= IMPORTABLE
    printed = capsys.readouterr().out
    for stack in (layout.ORGANIZATION_STACK, *shards):
        assert f"npx cdk import --app {out} {stack} --resource-mapping {mappings / (stack + '.json')}" in printed


@pytest.mark.parametrize(
    ("files", "problems"),
    [
        (
            {f"{layout.ORGANIZATION_STACK}.json": [1, 2]},
            ['OrganizationStack.json: a resource mapping is {"LogicalId": {"IdentifierProperty": "value"}}, not [1, 2]'],
        ),
        (
            {"OrganizationAccounts01.json": {"OuX": ["x"]}, "OrganizationAccounts02.json": {"AccountTools": {"AccountId": 321}}},
            [
                'OrganizationAccounts01.json: "OuX": the resource\'s identifier is {"IdentifierProperty": "value"}, not ["x"]',
                'OrganizationAccounts02.json: "AccountTools": the resource\'s identifier is {"IdentifierProperty": "value"},'
                ' not {"AccountId": 321}',
            ],
        ),
        (
            {"OrganizationAccounts03.json": {"AccountTools": {"AccountId": "321098765432"}}},
            [
                "OrganizationAccounts03.json: the adopt assembly has no stack OrganizationAccounts03 to import into"
                " (it has OrganizationStack, OrganizationAccounts01, OrganizationAccounts02)"
            ],
        ),
    ],
    ids=["not-an-object", "entries-not-identifiers", "no-such-stack"],
)
def test_orgboot_synth_adopt_refuses_a_bad_mapping_before_the_cdk_runs(tmp_path, capsys, monkeypatch, files, problems):
    sharded = write_spec(tmp_path / "org", SHARDED)
    mappings = write_mappings(tmp_path / "cdk-import", sharded)
    for name, content in files.items():
        (mappings / name).write_text(json.dumps(content))
    monkeypatch.setattr("orgboot.cli.synth.synthesize", lambda *args, **kwargs: pytest.fail("the CDK ran"))
    out = tmp_path / "cdk.adopt.out"
    assert main(["synth", str(tmp_path / "org" / "org.yaml"), "--adopt", str(mappings), "--output", str(out)]) == 1
    stderr = capsys.readouterr().err
    assert stderr.splitlines() == [
        f"orgboot synth: cannot adopt with the resource mappings in {mappings}:",
        *(f"  {mappings}/{problem}" for problem in problems),
    ]
    assert not out.exists()
