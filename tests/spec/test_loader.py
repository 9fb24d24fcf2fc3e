"""Loading org.yaml: the example is valid, and every kind of bad input is refused with the file,
the line and the key, all problems at once."""

import json
import textwrap
from pathlib import Path

import pydantic
import pytest

from orgboot.rules import load_spec
from orgboot.spec import SpecError
from tests.conftest import EXAMPLE

GOOD_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}


def write(tmp_path: Path, yaml_text: str, files: dict[str, str] | None = None) -> Path:
    for name, content in {"policies/deny.json": json.dumps(GOOD_POLICY), **(files or {})}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    spec = tmp_path / "org.yaml"
    spec.write_text(textwrap.dedent(yaml_text))
    return spec


def problems(tmp_path: Path, yaml_text: str, files: dict[str, str] | None = None) -> list[str]:
    spec = write(tmp_path, yaml_text, files)
    with pytest.raises(SpecError) as caught:
        load_spec(spec)
    return [str(problem).replace(str(spec), "org.yaml") for problem in caught.value.problems]


# Every test spec is an example that never reaches AWS: its emails are at example.com (docs/deploy.md).
BASE = """\
emulator_only: true
organization:
  policy_types: [SERVICE_CONTROL_POLICY]
organizational_units: [Workloads/Prod, Security]
accounts:
  shop-prod: {name: Shop Prod, email: shop@example.com, ou: Workloads/Prod}
"""


def test_example_loads_with_implied_parent_ous():
    spec = load_spec(EXAMPLE)
    assert "Workloads" in spec.ou_paths
    assert "Workloads/Prod" in spec.ou_paths
    assert spec.ou_paths.index("Workloads") < spec.ou_paths.index("Workloads/Prod")
    assert spec.accounts["shop-prod"].ou == "Workloads/Prod"
    assert spec.policies["require-imdsv2"].targets == ("Workloads",)
    assert spec.guardrails["region-deny"].targets == ("Workloads",)


def test_spec_is_frozen(tmp_path):
    spec = load_spec(write(tmp_path, BASE))
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        spec.accounts["shop-prod"].email = "other@example.com"  # type: ignore[misc]


def test_policy_documents_are_read_and_minified(tmp_path):
    spec = load_spec(
        write(tmp_path, BASE + "policies:\n  deny: {type: SERVICE_CONTROL_POLICY, document: policies/deny.json, targets: [Root]}\n")
    )
    document = spec.policies["deny"].document
    assert document.content == GOOD_POLICY
    assert " " not in document.minified
    assert json.loads(document.minified) == GOOD_POLICY


def test_yaml_syntax_error_names_the_line_of_the_mistake(tmp_path):
    # The brace left open on line 2 is the mistake; the parser only notices on line 3.
    assert problems(tmp_path, "accounts:\n  a: {name: A\n  b: 1\n") == [
        "org.yaml:2: YAML syntax error while parsing a flow mapping that starts here: did not find expected ',' or '}' (line 3)"
    ]
    assert problems(tmp_path, "accounts:\n  a: 1\n   b: 2\n") == [
        "org.yaml:3: YAML syntax error: mapping values are not allowed in this context; is line 3 indented too far?"
    ]
    assert problems(tmp_path, "accounts:\n  a:\n    name A\n\n    email: a@example.com\n") == [
        "org.yaml:5: YAML syntax error: mapping values are not allowed in this context;"
        " is a ':' missing on line 3, or is line 5 indented too far?"
    ]
    # A key whose ':' is missing, followed by a key at the same indentation: the key's own line.
    assert problems(tmp_path, "accounts:\n  a:\n    name: A\n    ou Root\n    email: a@example.com\n") == [
        "org.yaml:4: YAML syntax error: could not find expected ':'; is a ':' missing on this line?"
    ]
    # A value holding ': ' must be quoted.
    assert problems(tmp_path, "accounts:\n  a:\n    name: Shop: Prod\n") == [
        "org.yaml:3: YAML syntax error: mapping values are not allowed in this context;"
        " a value holding ': ' must be quoted: name: \"Shop: Prod\""
    ]
    # A key indented less than its siblings: the parser's line is the mistake, not where the block began.
    assert problems(tmp_path, "accounts:\n  a:\n    name: A\n    email: a@example.com\n   ou: Root\n") == [
        "org.yaml:5: YAML syntax error: did not find expected key; line 5 is indented 3 spaces, in line with no key above it:"
        " indent it 4 spaces, like line 4, or 2 spaces, like line 2"
    ]


def test_unknown_keys_are_refused(tmp_path):
    found = problems(tmp_path, BASE.replace("ou: Workloads/Prod}", "ou: Workloads/Prod, colour: red}") + "extra: 1\n")
    assert found == [
        "org.yaml:6: accounts.shop-prod.colour: unknown key 'colour'; expected one of: account_id, email, invited, name, ou, role_name, tags",
        "org.yaml:7: extra: unknown key 'extra'; expected one of: accounts, acknowledged_changes, emulator_only, guardrails,"
        " identity_center, management_baseline, member_roles, organization, organizational_units, policies, released_accounts,"
        " security_baseline, unmanaged",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            BASE.replace("ou: Workloads/Prod}", "ou: Workloads/Prod, tag: {a: b}}"),
            "accounts.shop-prod.tag: unknown key 'tag' (did you mean 'tags'?)",
        ),
        ("organisation: {}\n", "organisation: unknown key 'organisation' (did you mean 'organization'?)"),
        # A misspelt section, or required key, is the one mistake: not also every reference to
        # what it declares, nor the right key as missing.
        (
            BASE.replace("organizational_units:", "organisational_units:"),
            "organisational_units: unknown key 'organisational_units' (did you mean 'organizational_units'?)",
        ),
        (BASE.replace("{name: Shop Prod", "{nme: Shop Prod"), "accounts.shop-prod.nme: unknown key 'nme' (did you mean 'name'?)"),
        (BASE.replace("ou: Workloads/Prod}", "OU: Workloads/Prod}"), "accounts.shop-prod.OU: unknown key 'OU' (did you mean 'ou'?)"),
        (
            BASE + "management_baseline:\n  password_policy: {minimum_lenght: 20}\n",
            "management_baseline.password_policy.minimum_lenght: unknown key 'minimum_lenght' (did you mean 'minimum_length'?)",
        ),
        (
            BASE + "member_roles:\n  catalogue:\n    Admin: {targets: [Root], trust: {mfa_max_age: 60}}\n",
            "member_roles.catalogue.Admin.trust.mfa_max_age: unknown key 'mfa_max_age' (did you mean 'mfa_max_age_seconds'?)",
        ),
    ],
)
def test_unknown_keys_at_any_level_get_a_did_you_mean(tmp_path, text, message):
    (found,) = problems(tmp_path, text)
    assert message in found


def test_unknown_ou_reference_suggests_the_closest(tmp_path):
    found = problems(tmp_path, BASE.replace("ou: Workloads/Prod}", "ou: Workloads/Prd}"))
    assert found == [
        "org.yaml:6: accounts.shop-prod.ou: OU 'Workloads/Prd' is not declared (did you mean 'Workloads/Prod'?);"
        " add it to organizational_units or use Root"
    ]


def test_unknown_policy_target(tmp_path):
    found = problems(
        tmp_path,
        BASE + "policies:\n  deny:\n    type: SERVICE_CONTROL_POLICY\n    document: policies/deny.json\n    targets: [Root, shop-prd]\n",
    )
    assert found == [
        "org.yaml:11: policies.deny.targets.1: target 'shop-prd' is neither Root, a declared OU path nor an"
        " account key (did you mean 'shop-prod'?)"
    ]


def test_duplicate_emails_case_insensitive(tmp_path):
    found = problems(tmp_path, BASE + "  shop-dev: {name: Shop Dev, email: SHOP@example.com, ou: Security}\n")
    assert found == [
        "org.yaml:7: accounts.shop-dev.email: email 'SHOP@example.com' is already used by account 'shop-prod'; every account needs its own"
    ]


def test_duplicate_account_names(tmp_path):
    found = problems(tmp_path, BASE + "  shop-dev: {name: Shop Prod, email: dev@example.com, ou: Security}\n")
    assert found == [
        "org.yaml:7: accounts.shop-dev.name: name 'Shop Prod' is already used by account 'shop-prod'; give each account its own name"
    ]


def test_duplicate_account_key_in_yaml(tmp_path):
    found = problems(tmp_path, BASE + "  shop-prod: {name: Other, email: other@example.com, ou: Security}\n")
    assert found == ["org.yaml:7: accounts.shop-prod: key 'shop-prod' is given twice; keep one"]


def test_duplicate_ou_under_one_parent(tmp_path):
    found = problems(tmp_path, BASE.replace("[Workloads/Prod, Security]", "[Workloads/Prod, Security, Workloads/Prod]"))
    assert found == [
        "org.yaml:4: organizational_units.2: OU 'Workloads/Prod' is listed twice; AWS refuses two OUs with the same name under one parent"
    ]


def test_nesting_deeper_than_five_levels(tmp_path):
    found = problems(tmp_path, BASE.replace("[Workloads/Prod, Security]", "[Workloads/Prod, Security, A/B/C/D/E/F]"))
    assert found == [
        "org.yaml:4: organizational_units.2: 'A/B/C/D/E/F' is nested 6 levels deep; AWS allows at most 5 levels of OUs under the root"
    ]


def test_five_levels_are_fine(tmp_path):
    spec = load_spec(write(tmp_path, BASE.replace("[Workloads/Prod, Security]", "[Workloads/Prod, Security, A/B/C/D/E]")))
    assert "A/B/C/D/E" in spec.ou_paths


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not-an-email", "'not-an-email' is not an email address (expected name@domain.tld)"),
        ("a@b.c", "'a@b.c' is 5 characters; AWS accepts 6-64"),
        ("x" * 60 + "@example.com", f"'{'x' * 60}@example.com' is 72 characters; AWS accepts 6-64"),
    ],
)
def test_invalid_email(tmp_path, email, message):
    assert problems(tmp_path, BASE.replace("shop@example.com", email)) == [f"org.yaml:6: accounts.shop-prod.email: {message}"]


@pytest.mark.parametrize("name", ["", "x" * 51, "Café"])
def test_account_name_must_be_1_to_50_printable_ascii(tmp_path, name):
    (found,) = problems(tmp_path, BASE.replace("name: Shop Prod", f"name: '{name}'"))
    assert found.startswith("org.yaml:6: accounts.shop-prod.name: account name")
    assert "must be 1-50 printable ASCII characters" in found


def test_missing_policy_file(tmp_path):
    found = problems(tmp_path, BASE + "policies:\n  deny: {type: SERVICE_CONTROL_POLICY, document: policies/nope.json, targets: [Root]}\n")
    assert len(found) == 1
    assert found[0].startswith("org.yaml:8: policies.deny.document: policy file 'policies/nope.json' not found")


def test_policy_file_that_is_not_json(tmp_path):
    found = problems(
        tmp_path,
        BASE + "policies:\n  deny: {type: SERVICE_CONTROL_POLICY, document: policies/bad.json, targets: [Root]}\n",
        {"policies/bad.json": '{"Statement": [,]}'},
    )
    assert found == ["org.yaml:8: policies.deny.document: 'policies/bad.json' is not valid JSON: Expecting value at line 1, column 16"]


def test_policy_type_not_enabled(tmp_path):
    found = problems(tmp_path, BASE + "policies:\n  tags: {type: TAG_POLICY, document: policies/deny.json, targets: [Root]}\n")
    assert found == ["org.yaml:8: policies.tags.type: policy type TAG_POLICY is not enabled; add it to organization.policy_types"]


def test_policy_larger_than_the_type_allows(tmp_path):
    big = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Deny", "Action": [f"s3:Get{name}" for name in ("Object", "ObjectAcl", "ObjectTagging") * 400], "Resource": "*"}
        ],
    }
    found = problems(
        tmp_path,
        BASE + "policies:\n  big: {type: SERVICE_CONTROL_POLICY, document: policies/big.json, targets: [Root]}\n",
        {"policies/big.json": json.dumps(big, indent=2)},
    )
    size = len(json.dumps(big, separators=(",", ":")))
    assert found == [
        f"org.yaml:8: policies.big.document: 'policies/big.json' is {size} characters minified; a SERVICE_CONTROL_POLICY may have at most 10240"
    ]


def test_too_many_scps_on_one_target(tmp_path):
    policies = "".join(
        f"  deny-{i}: {{type: SERVICE_CONTROL_POLICY, document: policies/deny.json, targets: [Security]}}\n" for i in range(10)
    )
    found = problems(tmp_path, BASE + "policies:\n" + policies)
    assert len(found) == 10  # at each policy that targets it
    assert found[9].startswith("org.yaml:17: policies.deny-9.targets.0: 10 SCPs target 'Security'")
    assert found[9].endswith("at most 9 may, besides FullAWSAccess, which AWS keeps attached")


def test_keys_that_collide_as_logical_ids(tmp_path):
    found = problems(tmp_path, BASE.replace("[Workloads/Prod, Security]", "[Workloads/Prod, Security, Workloads-Prod]"))
    assert found == [
        "org.yaml:4: organizational_units.0: 'Workloads/Prod' and 'Workloads-Prod' both become CloudFormation resource OuWorkloadsProd; rename one"
    ]


def test_every_problem_is_listed_at_once(tmp_path):
    text = """\
    emulator_only: true
    organization:
      policy_types: [SERVICE_CONTROL_POLICY]
    organizational_units: [Security, Security]
    accounts:
      one: {name: One, email: broken, ou: Nowhere}
      two: {name: Two, email: two@example.com, ou: Security, colour: red}
      three: {name: Three, email: two@example.com, ou: Security}
    policies:
      p: {type: TAG_POLICY, document: policies/missing.json, targets: [three, Secrity]}
    """
    found = problems(tmp_path, text)
    assert [line.split(": ", 2)[:2] for line in found] == [
        ["org.yaml:4", "organizational_units.1"],
        ["org.yaml:6", "accounts.one.email"],
        ["org.yaml:6", "accounts.one.ou"],
        ["org.yaml:7", "accounts.two.colour"],
        ["org.yaml:8", "accounts.three.email"],
        ["org.yaml:10", "policies.p.document"],
        ["org.yaml:10", "policies.p.targets.1"],
        ["org.yaml:10", "policies.p.type"],
    ]


def test_missing_spec_file(tmp_path):
    with pytest.raises(SpecError) as caught:
        load_spec(tmp_path / "absent.yaml")
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'absent.yaml'}:1: no such file; give the path of an org.yaml (the example is org.yaml)"
    ]


def test_a_folder_is_not_a_spec(tmp_path):
    with pytest.raises(SpecError) as caught:
        load_spec(tmp_path)
    assert [str(p) for p in caught.value.problems] == [f"{tmp_path}:1: is a folder; give the path of the org.yaml file"]


def test_non_utf8_spec_names_the_line(tmp_path):
    spec = tmp_path / "org.yaml"
    spec.write_bytes(BASE.encode() + b"  caf\xe9: {}\n")
    with pytest.raises(SpecError) as caught:
        load_spec(spec)
    assert [str(p) for p in caught.value.problems] == [f"{spec}:7: not UTF-8 text (byte 0xe9); save the file as UTF-8"]


def test_yaml_alias_bomb_is_refused_at_once(tmp_path):
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]" for i in range(8)]
    text = "lol:\n" + "".join(f"  {line}\n" for line in levels)
    found = problems(tmp_path, text)
    # Line 7 is the first level whose aliases alone pass the bound.
    assert found == ["org.yaml:7: lol.f: YAML aliases here expand to 1,111,111 values (more than 1,000,000); write the values out"]


@pytest.mark.parametrize("depth", [100, 4000, 100_000])  # 100,000 levels would crash libyaml's composer
def test_absurd_nesting_is_refused_with_the_line(tmp_path, depth):
    assert problems(tmp_path, "accounts: {}\nx: " + "[" * depth + "]" * depth + "\n") == [
        "org.yaml:2: values nested more than 64 levels deep"
    ]


def test_absurd_block_nesting_is_refused_where_it_passes_the_bound(tmp_path):
    text = "accounts: {}\nx:\n" + "\n".join(" " * (level + 1) + f"k{level}:" for level in range(100)) + " 1\n"
    assert problems(tmp_path, text) == ["org.yaml:66: values nested more than 64 levels deep"]
    compact = "accounts: {}\nx:\n  " + "- " * 100_000 + "1\n"  # sequences in sequences, on one line
    assert problems(tmp_path, compact) == ["org.yaml:3: values nested more than 64 levels deep"]


def test_anchors_and_aliases_within_reason_are_fine(tmp_path):
    text = (
        BASE.replace("ou: Workloads/Prod}", "ou: Workloads/Prod, tags: &tags {team: shop}}")
        + "  shop-dev: {name: Dev, email: dev@example.com, ou: Security, tags: *tags}\n"
    )
    spec = load_spec(write(tmp_path, text))
    assert spec.accounts["shop-dev"].tags == {"team": "shop"}


def test_one_bad_value_in_an_entry_is_reported_once(tmp_path):
    # Only the bad leaf is left out: the role stays declared, so the grant pointing at it is fine.
    text = BASE + "member_roles:\n  catalogue:\n    Admin: {max_session_hours: 13, targets: [Root]}\n"
    text += "management_baseline:\n  groups:\n    Ops: {may_assume: [{role: Admin}]}\n"
    assert problems(tmp_path, text) == [
        "org.yaml:9: member_roles.catalogue.Admin.max_session_hours: max_session_hours 13 is outside AWS's range 1-12"
    ]


def test_rules_still_run_next_to_broken_list_items(tmp_path):
    # organizational_units.1 is bad and left out; the duplicate at index 3 must still be reported at index 3.
    text = BASE.replace("[Workloads/Prod, Security]", "[Workloads/Prod, 'A//B', Security, Security]")
    assert problems(tmp_path, text) == [
        "org.yaml:4: organizational_units.1: 'A//B' is not an OU path: it has an empty name or spaces around a name; write 'A/B'"
        " (names separated by '/', the first one under the root)",
        "org.yaml:4: organizational_units.3: OU 'Security' is listed twice; AWS refuses two OUs with the same name under one parent",
    ]


def test_merge_keys_are_no_duplicates(tmp_path):
    text = (
        BASE + "  shop-dev:\n    <<: {name: Base, email: base@example.com, ou: Security}\n    name: Shop Dev\n    email: dev@example.com\n"
    )
    assert load_spec(write(tmp_path, text)).accounts["shop-dev"].name == "Shop Dev"


def test_aliases_cannot_nest_past_the_bound(tmp_path):
    lines = ["a0: &a0 [1]"] + [f"a{i}: &a{i} " + "[" * 50 + f"*a{i - 1}" + "]" * 50 for i in range(1, 40)]
    assert problems(tmp_path, "\n".join(lines) + "\n") == ["org.yaml:3: values nested more than 64 levels deep"]


def test_several_bad_items_of_one_list_keep_the_others(tmp_path):
    text = (
        "emulator_only: true\norganizational_units: [' Bad1', ' Bad2', Good]\naccounts:\n  a: {name: A, email: a@example.com, ou: Good}\n"
    )
    found = problems(tmp_path, text)
    assert [f.split(": ")[1] for f in found] == ["organizational_units.0", "organizational_units.1"]


def test_an_entry_pointing_at_a_broken_one_does_not_break_the_rules(tmp_path):
    text = "organizational_units: [A/B/C/D/E/F]\naccounts:\n  a: {name: A, email: a@example.com, ou: A/B/C/D/E/F}\n"
    assert problems(tmp_path, text) == [
        "org.yaml:1: organizational_units.0: 'A/B/C/D/E/F' is nested 6 levels deep; AWS allows at most 5 levels of OUs under the root"
    ]
