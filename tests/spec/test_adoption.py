"""The resource mappings `orgboot import` writes (DIR/cdk-import), read and checked in one place
(orgboot/spec/adoption.py) for `orgboot synth --adopt`, the CDK app and `orgboot emulate --import`:
each problem named by its file and entry, every problem at once."""

import json
from pathlib import Path

import pytest

from orgboot.rules import load_spec
from orgboot.spec import OrgSpec, logical_ids
from orgboot.spec.adoption import IDS_FILE, Adoption, NotAdoptable

SPEC = """
organization:
  feature_set: ALL
  policy_types: [SERVICE_CONTROL_POLICY]
  account_stacks: 2
organizational_units: [Workloads/Prod]
accounts:
  shop-prod: {name: Shop Prod, email: aws+shop-prod@acme-corp.io, ou: Workloads/Prod}
  log-archive: {name: Log Archive, email: aws+log-archive@acme-corp.io, ou: Root}
"""
ORGANIZATION_STACK = {"Organization": {"Id": "o-ab12cd34ef"}, "OuWorkloads": {"Id": "ou-ab12-11111111"}}


def write(folder: Path, files: dict[str, object]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_text(content if isinstance(content, str) else json.dumps(content))
    return folder


def refused(folder: Path) -> tuple[str, ...]:
    with pytest.raises(NotAdoptable) as caught:
        Adoption.read(folder)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> OrgSpec:
    folder = tmp_path_factory.mktemp("spec")
    (folder / "org.yaml").write_text(SPEC)
    return load_spec(folder / "org.yaml")


def test_the_mappings_and_the_root_id_are_read(tmp_path):
    folder = write(tmp_path, {"OrganizationStack.json": ORGANIZATION_STACK, IDS_FILE: {"root": "r-ab12"}})
    adoption = Adoption.read(folder)
    assert adoption.mappings == {"OrganizationStack": ORGANIZATION_STACK}
    assert adoption.root_id == "r-ab12"
    assert adoption.imports("OrganizationStack", "OuWorkloads")
    assert not adoption.imports("OrganizationAccounts01", "AccountTools")


def test_a_malformed_mapping_is_named_by_its_file_and_entry(tmp_path):
    folder = write(
        tmp_path,
        {
            "OrganizationStack.json": [1, 2],
            "OrganizationAccounts01.json": {"OuX": ["x"], "AccountTools": {"AccountId": ""}, "Account-Shop": {"AccountId": "1"}},
            "OrganizationAccounts02.json": "{not json",
            "my mapping.json": {},
            IDS_FILE: {"root": "ou-ab12-11111111"},
        },
    )
    assert refused(folder) == (  # in the order of the file names
        f'{folder}/OrganizationAccounts01.json: "OuX": the resource\'s identifier is {{"IdentifierProperty": "value"}}, not ["x"]',
        f'{folder}/OrganizationAccounts01.json: "AccountTools": the resource\'s identifier is {{"IdentifierProperty": "value"}},'
        ' not {"AccountId": ""}',
        f'{folder}/OrganizationAccounts01.json: "Account-Shop": not a logical ID (letters and digits only)',
        f"{folder}/OrganizationAccounts02.json: not readable JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))",
        f'{folder}/OrganizationStack.json: a resource mapping is {{"LogicalId": {{"IdentifierProperty": "value"}}}}, not [1, 2]',
        f'{folder}/{IDS_FILE}: the root\'s ID is {{"root": "r-..."}} (r- then 4 to 32 lowercase letters or digits),'
        ' not {"root": "ou-ab12-11111111"}',
        f"{folder}/my mapping.json: not a resource mapping's name: STACK.json names the stack it imports into (a letter, then"
        f" letters, digits and hyphens), and {IDS_FILE} gives the root's ID",
    )


def test_no_folder_is_no_adoption(tmp_path):
    assert refused(tmp_path / "nowhere") == (
        f"{tmp_path}/nowhere: no such folder of resource mappings (`orgboot import` writes them in DIR/cdk-import)",
    )


def test_the_mappings_must_fit_the_spec(spec, tmp_path):
    shop, logs = logical_ids.account("shop-prod"), logical_ids.account("log-archive")
    shop_stack, logs_stack = "OrganizationAccounts02", "OrganizationAccounts01"  # by the hash of the keys (layout.py)
    folder = write(
        tmp_path,
        {
            "OrganizationStack.json": {"OuWorkloads": {"Id": "ou-ab12-11111111"}, "OuLegacy": {"Id": "ou-ab12-33333333"}},
            f"{shop_stack}.json": {shop: {"AccountId": "210987654321"}},
            f"{logs_stack}.json": {logs: {"AccountId": "321098765432"}},
            "ManagementBaselineStack.json": {"Alias": {"Id": "x"}},
        },
    )
    with pytest.raises(NotAdoptable) as caught:
        Adoption.read(folder).check(spec)
    assert caught.value.problems == (
        f"{folder}/ManagementBaselineStack.json: the adopt assembly has no stack ManagementBaselineStack to import into (it has"
        " OrganizationStack, OrganizationAccounts01, OrganizationAccounts02)",
        f"{folder}/OrganizationStack.json: OuLegacy: no resource of OrganizationStack has this logical ID in the spec (logical IDs"
        " come from the keys in org.yaml: keep the keys `orgboot import` wrote)",
        f"{folder}/OrganizationStack.json does not name the Organization, which every resource of OrganizationStack refers to",
        f"{folder}/{logs_stack}.json: no ID for Root: OrganizationStack's mapping names each OU it imports, and"
        f' {IDS_FILE} gives the root\'s ({{"root": "r-..."}})',
        f"{folder}/{shop_stack}.json: no ID for Workloads/Prod: OrganizationStack's mapping names each OU it imports, and"
        f' {IDS_FILE} gives the root\'s ({{"root": "r-..."}})',
    )


def test_mappings_that_fit_give_the_parents_ids(spec, tmp_path):
    shop, logs = logical_ids.account("shop-prod"), logical_ids.account("log-archive")
    organization = {**ORGANIZATION_STACK, "OuWorkloadsProd": {"Id": "ou-ab12-22222222"}}
    folder = write(
        tmp_path,
        {
            "OrganizationStack.json": organization,
            "OrganizationAccounts01.json": {logs: {"AccountId": "321098765432"}},
            "OrganizationAccounts02.json": {shop: {"AccountId": "210987654321"}},
            IDS_FILE: {"root": "r-ab12"},
        },
    )
    adoption = Adoption.read(folder)
    adoption.check(spec)
    assert adoption.parent_ids({"Root", "Workloads/Prod"}) == {"Root": "r-ab12", "Workloads/Prod": "ou-ab12-22222222"}
    (tmp_path / "OrganizationStack.json").unlink()
    with pytest.raises(NotAdoptable, match=r"OrganizationStack.json is missing: it names the Organization"):
        Adoption.read(folder).check(spec)
