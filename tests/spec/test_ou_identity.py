"""OUs in org.yaml: a path, or a path with a key that is the OU's identity for good (the way an
account's key is), and the messages for OU entries written wrong."""

import json

import jsonschema
import pytest

from orgboot.rules import load_spec
from orgboot.spec import OrgSpec, logical_ids
from tests.conftest import EXAMPLE, synth, template
from tests.spec.test_loader import problems, write

HEAD = """\
emulator_only: true
organization:
  policy_types: [SERVICE_CONTROL_POLICY]
organizational_units:
{ous}
accounts:
  shop-prod: {{name: Shop Prod, email: shop@example.com, ou: {ou}}}
  sec: {{name: Sec, email: sec@example.com, ou: Security}}
policies:
  deny:
    type: SERVICE_CONTROL_POLICY
    document: policies/deny.json
    targets: [{targets}]
"""


def spec_text(ous: list[str], ou: str = "Workloads/Prod", targets: str = "Workloads, Workloads/Prod") -> str:
    return HEAD.format(ous="\n".join(f"  - {entry}" for entry in ous), ou=ou, targets=targets)


# --- Identity ----------------------------------------------------------------------------------


def test_without_keys_an_identity_is_the_path_and_the_examples_logical_ids_stay(example_spec, tmp_path):
    """An organization deployed before keys existed upgrades with no change: the same OU resources."""
    assert example_spec.ou_identities == {path: path for path in example_spec.ou_paths}
    resources = template(synth(example_spec, tmp_path / "cdk.out"), "OrganizationStack")["Resources"]
    ous = sorted(logical_id for logical_id, r in resources.items() if r["Type"] == "AWS::Organizations::OrganizationalUnit")
    assert ous == [
        "OuInfrastructure",
        "OuSandbox",
        "OuSecurity",
        "OuSuspended",
        "OuWorkloads",
        "OuWorkloadsDev",
        "OuWorkloadsProd",
    ]


def test_a_key_stands_for_the_name_in_the_identity_of_the_ou_and_its_children(tmp_path):
    spec = load_spec(
        write(
            tmp_path,
            spec_text(
                ["Security", "Workloads/Production: {key: Prod}", "Workloads/Production/Team"],
                ou="Workloads/Production",
                targets="Workloads",
            ),
        )
    )
    assert spec.ou_paths == ("Security", "Workloads", "Workloads/Production", "Workloads/Production/Team")
    assert spec.ou_identities == {
        "Security": "Security",
        "Workloads": "Workloads",
        "Workloads/Production": "Workloads/Prod",
        "Workloads/Production/Team": "Workloads/Prod/Team",
    }
    assert spec.ou_logical_id("Workloads/Production") == logical_ids.ou("Workloads/Prod") == "OuWorkloadsProd"


def test_the_stack_names_a_keyed_ou_by_its_identity_and_the_ou_by_its_name(tmp_path):
    spec = load_spec(
        write(
            tmp_path,
            spec_text(["Security", "Workloads/Production: {key: Prod}"], ou="Workloads/Production", targets="Workloads/Production"),
        )
    )
    resources = template(synth(spec, tmp_path / "cdk.out"), "OrganizationStack")["Resources"]
    assert resources["OuWorkloadsProd"]["Properties"]["Name"] == "Production"
    assert "OuWorkloadsProduction" not in resources


def test_two_ous_with_one_identity_are_refused_at_the_second_entry(tmp_path):
    found = problems(tmp_path, spec_text(["Security", "Workloads/Prod", "Workloads/Production: {key: Prod}"]))
    assert found == [
        "org.yaml:7: organizational_units.2: OU 'Workloads/Production' (key 'Prod') has the identity 'Workloads/Prod', as OU"
        " 'Workloads/Prod' has: an OU's identity names its CloudFormation resource, so the two would be one. Give one of them"
        " another key"
    ]


def test_a_keyed_entry_is_one_path_with_its_key(tmp_path):
    found = problems(tmp_path, spec_text(["Security", "Workloads/Prod", "Workloads/Production: {kee: Prod}"]))
    assert found == [
        "org.yaml:7: organizational_units.2: OU 'Workloads/Production': unknown key 'kee' (did you mean 'key'?); an OU entry"
        " takes only its key, like `- Workloads/Production: {key: Prod}`"
    ]


def test_a_key_is_a_name(tmp_path):
    (found,) = problems(tmp_path, spec_text(["Security", "Workloads/Prod", "Workloads/Production: {key: A/B}"]))
    assert found.startswith("org.yaml:7: organizational_units.2: OU 'Workloads/Production': key 'A/B' is not a key; a key is a name")


def test_the_schema_describes_both_forms_of_an_entry(tmp_path):
    schema = OrgSpec.model_json_schema()
    entries = {"organizational_units": ["Security", {"Workloads/Production": {"key": "Prod"}}]}
    jsonschema.validate(entries, schema)
    for wrong in ({"Workloads/Production": {"kee": "Prod"}}, {"A": {"key": "a"}, "B": {"key": "b"}}, 7):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({"organizational_units": [wrong]}, schema)


# --- Messages for OU entries written wrong (issue 24, points 9 and 12) ---------------------------


@pytest.mark.parametrize(
    ("entry", "why", "meant"),
    [
        ("/Workloads/Prod", "it starts with '/'", "Workloads/Prod"),
        ("Workloads/Prod/", "it ends with '/'", "Workloads/Prod"),
        ("/Workloads/Prod/", "it starts and ends with '/'", "Workloads/Prod"),
    ],
)
def test_a_slash_around_an_ou_path_is_one_message_at_the_entry(tmp_path, entry, why, meant):
    """The accounts and policies referring to what the entry meant are not reported too, and no
    suggestion proposes the path with its slash (which validate rejects)."""
    found = problems(tmp_path, spec_text(["Security", entry]))
    assert found == [
        f"org.yaml:6: organizational_units.1: '{entry}' is not an OU path: {why}; write '{meant}' (names separated by '/',"
        " the first one under the root)"
    ]


def test_a_reference_near_a_slipped_path_is_offered_only_the_path_meant(tmp_path):
    found = problems(tmp_path, spec_text(["Security", "/Workloads/Prod"], ou="Workloads/Prd", targets="Workloads"))
    assert found[1:] == [
        "org.yaml:8: accounts.shop-prod.ou: OU 'Workloads/Prd' is not declared (did you mean 'Workloads/Prod'?); add it to organizational_units or use Root"
    ]


def test_siblings_differing_only_in_case_are_reported_at_the_second_entry(tmp_path):
    found = problems(tmp_path, spec_text(["Security", "Workloads/Prod", "Workloads/PROD"]))
    assert found == [
        "org.yaml:7: organizational_units.2: OUs 'Workloads/PROD' and 'Workloads/Prod' differ only in case under one parent;"
        " AWS may take them for one name: keep one spelling"
    ]


def test_siblings_differing_only_in_case_are_kept_apart_when_both_have_keys(tmp_path):
    """As `orgboot import` writes an organization that holds both (spec/importing.py, ou_keys): AWS
    told them apart, and the keys keep their resources apart. One key alone is still refused."""
    keyed = ["Security", "Workloads/Prod: {key: Prod ou-ab12-11111111}", "Workloads/PROD: {key: PROD ou-ab12-22222222}"]
    assert load_spec(write(tmp_path / "both", spec_text(keyed))).ou_logical_id("Workloads/PROD") == "OuWorkloadsPRODOuAb1222222222"
    assert [line.partition(": OUs")[0] for line in problems(tmp_path, spec_text(keyed[:2] + ["Workloads/PROD"]))] == [
        "org.yaml:7: organizational_units.2"
    ]


def test_implied_siblings_differing_in_case_are_reported_at_the_entry_that_implies_one(tmp_path):
    found = problems(tmp_path, spec_text(["Security", "Workloads/Prod", "WORKLOADS/Dev"]))
    assert [line.partition(": OUs")[0] for line in found] == ["org.yaml:7: organizational_units.2"]


def test_the_example_still_validates_against_its_schema():
    import yaml

    jsonschema.validate({"organizational_units": yaml.safe_load(EXAMPLE.read_text())["organizational_units"]}, OrgSpec.model_json_schema())
    assert json.dumps(OrgSpec.model_json_schema()["properties"]["organizational_units"]["items"]["anyOf"][0]["type"]) == '"string"'
