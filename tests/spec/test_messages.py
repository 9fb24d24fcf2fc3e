"""Messages about a wrong org.yaml speak the user's language: what belongs there, in words, never
pydantic's or a regular expression's (issue 24, points 9 and 12)."""

import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from orgboot.rules import load_spec
from orgboot.spec import SpecError
from orgboot.spec.messages import pattern_rule
from orgboot.spec.model import OrgSpec

GOOD_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}

BASE = """\
emulator_only: true
organization:
  policy_types: [SERVICE_CONTROL_POLICY, TAG_POLICY]
organizational_units: [Workloads/Prod, Security]
accounts:
  shop-prod: {name: Shop Prod, email: shop@example.com, ou: Workloads/Prod}
"""


def problems(tmp_path: Path, yaml_text: str) -> list[str]:
    (tmp_path / "policies").mkdir(exist_ok=True)
    (tmp_path / "policies" / "deny.json").write_text(json.dumps(GOOD_POLICY))
    spec = tmp_path / "org.yaml"
    spec.write_text(textwrap.dedent(yaml_text))
    with pytest.raises(SpecError) as caught:
        load_spec(spec)
    return [str(problem).replace(str(spec), "org.yaml") for problem in caught.value.problems]


def account(extra: str) -> str:
    return BASE + f"  bad: {{name: B, email: b@example.com, ou: Security, {extra}}}\n"


POLICY = "  bad: {type: SERVICE_CONTROL_POLICY, document: policies/deny.json, targets: [Root]}\n"

# A wrong value of every kind at every constrained field: empty, the wrong shape, a number where
# text belongs, a value failing the field's pattern or range.
CATALOGUE: dict[str, str] = {
    "empty account": BASE + "  bad:\n",
    "list where an account belongs": BASE + "  bad: [a, b]\n",
    "text where an account belongs": BASE + "  bad: hello\n",
    "number as account name": account("name2: x").replace("name: B, ", "name: 12, ").replace(", name2: x", ""),
    "account key pattern": BASE + "  Bad_Key: {name: B, email: b@example.com, ou: Security}\n",
    "account key too long": BASE + f"  {'a' * 70}: {{name: B, email: b@example.com, ou: Security}}\n",
    "account id as a number": account("account_id: 123456789012"),
    "account id with a leading zero": account("account_id: 070000000001"),
    "account id too short": account("account_id: '1234'"),
    "role_name pattern": account("role_name: 'a b'"),
    "role_name as a number": account("role_name: 7"),
    "tags as a list": account("tags: [a, b]"),
    "tag value as a number": account("tags: {cost-center: 1234}"),
    "tag value empty": account("tags: {cost-center: }"),
    "tag value as yes": account("tags: {enabled: yes}"),
    "invited as text": account("invited: maybe"),
    "email empty": BASE + "  bad: {name: B, email: , ou: Security}\n",
    "ou as a list": BASE + "  bad: {name: B, email: b@example.com, ou: [Security]}\n",
    "ou as a mapping": BASE + "  bad: {name: B, email: b@example.com, ou: {a: b}}\n",
    "policy_types as text": BASE.replace("policy_types: [SERVICE_CONTROL_POLICY, TAG_POLICY]", "policy_types: SERVICE_CONTROL_POLICY"),
    "policy_types unknown": BASE.replace("TAG_POLICY]", "TAG_POLICIES]"),
    "organizational_units as text": BASE.replace("[Workloads/Prod, Security]", "Security"),
    "organizational_units empty": BASE.replace(" [Workloads/Prod, Security]", ""),
    "organizational_units item a number": BASE.replace("Security]", "Security, 42]"),
    "accounts as a list": "emulator_only: true\norganizational_units: [Security]\naccounts: [a, b]\n",
    "accounts empty": "emulator_only: true\norganizational_units: [Security]\naccounts:\n",
    "spec section as text": BASE + "management_baseline: yes\n",
    "policy key pattern": BASE + "policies:\n" + POLICY.replace("bad:", "_bad:"),
    "policy targets as text": BASE + "policies:\n" + POLICY.replace("[Root]", "Root"),
    "policy targets empty": BASE + "policies:\n  bad:\n    type: SERVICE_CONTROL_POLICY\n    document: policies/deny.json\n    targets:\n",
    "policy targets an empty list": BASE + "policies:\n" + POLICY.replace("[Root]", "[]"),
    "policy empty": BASE + "policies:\n  bad:\n",
    "policy name empty": BASE + "policies:\n" + POLICY.replace("{type", "{name: '', type"),
    "policy description too long": BASE + "policies:\n" + POLICY.replace("{type", f"{{description: {'x' * 600}, type"),
    "policy type unknown": BASE + "policies:\n" + POLICY.replace("SERVICE_CONTROL_POLICY", "SCP"),
    "guardrail regions as text": BASE + "guardrails:\n  region-deny: {allowed_regions: eu-west-1, targets: [Root]}\n",
    "guardrail regions empty list": BASE + "guardrails:\n  region-deny: {allowed_regions: [], targets: [Root]}\n",
    "guardrail empty": BASE + "guardrails:\n  region-deny:\n",
    "guardrail key pattern": BASE + "guardrails:\n  Region_Deny: {guardrail: region-deny, allowed_regions: [eu-west-1], targets: [Root]}\n",
    "guardrail exempt role pattern": BASE
    + "guardrails:\n  region-deny: {allowed_regions: [eu-west-1], exempt_roles: ['a b'], targets: [Root]}\n",
    "guardrail trusted account as a number": BASE.replace("TAG_POLICY", "RESOURCE_CONTROL_POLICY")
    + "guardrails:\n  data-perimeter-identities: {trusted_accounts: [123456789012], targets: [Root]}\n",
    "guardrail trusted account pattern": BASE.replace("TAG_POLICY", "RESOURCE_CONTROL_POLICY")
    + "guardrails:\n  data-perimeter-identities: {trusted_accounts: ['12-34'], targets: [Root]}\n",
    "group name pattern": BASE + "management_baseline:\n  groups:\n    'bad group': {}\n",
    "group may_assume as text": BASE + "management_baseline:\n  groups:\n    Admins: {may_assume: Admin}\n",
    "role name pattern": BASE + "member_roles:\n  catalogue:\n    'bad role': {targets: [Root]}\n",
    "rollout region pattern": BASE + "member_roles:\n  rollout: {region: Europe}\n",
    "password length as text": BASE + "management_baseline:\n  password_policy: {minimum_length: twenty}\n",
    "password length a fraction": BASE + "management_baseline:\n  password_policy: {minimum_length: 14.5}\n",
    "password length empty": BASE + "management_baseline:\n  password_policy: {minimum_length: }\n",
    "account alias pattern": BASE + "management_baseline:\n  account_alias: Bad_Alias\n",
    "unmanaged key pattern": BASE + "unmanaged:\n  accounts:\n    Bad_Key: {id: '123456789012', name: x, email: x@example.com}\n",
    "unmanaged id as a number": BASE + "unmanaged:\n  accounts:\n    other: {id: 123456789012, name: x, email: x@example.com}\n",
    "third party account as a number": BASE
    + "member_roles:\n  catalogue:\n    Audit: {targets: [Root], trust: {third_party_account: 123456789012}}\n",
    "feature_set other": BASE.replace("organization:\n", "organization:\n  feature_set: CONSOLIDATED_BILLING\n"),
    "emulator_only as text": BASE.replace("emulator_only: true", "emulator_only: please"),
    "released_accounts as text": BASE + "released_accounts: old-one\n",
    "account_stacks as text": BASE.replace("organization:\n", "organization:\n  account_stacks: many\n"),
    "account_stacks zero": BASE.replace("organization:\n", "organization:\n  account_stacks: 0\n"),
    "tag key as a number": account("tags: {2024: x}"),
}

# What pydantic, Python or a regular expression would show, and a person should not have to read.
INTERNALS = re.compile(
    r"valid tuple|valid dict|valid list|valid string|valid integer|valid boolean|input_value|Input should|String should|List should"
    r"|Value error|\[key\]|function-|None|pattern|\^\[|\]\$|\\d|\\w|\(\?|\{1,|at least 1 item"
)


@pytest.mark.parametrize("case", CATALOGUE)
def test_no_message_shows_pydantic_or_regex_internals(tmp_path, case):
    found = problems(tmp_path, CATALOGUE[case])
    assert found
    assert not [message for message in found if "YAML syntax error" in message]  # the case reaches the schema
    leaked = [message for message in found if INTERNALS.search(message)]
    assert not leaked, "\n".join(leaked)


def _patterns(schema: Any) -> set[str]:
    if isinstance(schema, dict):
        own = {schema["pattern"]} if isinstance(schema.get("pattern"), str) else set()
        return own.union(*(_patterns(value) for value in schema.values()))
    if isinstance(schema, list | tuple):
        return set().union(*(_patterns(value) for value in schema))
    return set()


def test_every_pattern_of_the_model_has_its_rule_in_words():
    patterns = _patterns(OrgSpec.__pydantic_core_schema__)
    assert len(patterns) >= 6
    assert {pattern: pattern_rule(pattern) for pattern in patterns if pattern_rule(pattern) is None} == {}


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            "guardrail regions as text",
            "org.yaml:8: guardrails.region-deny.allowed_regions: a list belongs here, not one value: write [eu-west-1]",
        ),
        (
            "account key pattern",
            "org.yaml:7: accounts.Bad_Key: 'Bad_Key' must be lowercase letters, digits and hyphens, starting with a letter or digit,"
            " like 'bad-key'",
        ),
        (
            "policy key pattern",
            "org.yaml:8: policies._bad: '_bad' must be letters, digits, hyphens and underscores, starting with a letter or digit,"
            " like 'bad'",
        ),
        (
            "role name pattern",
            "org.yaml:9: member_roles.catalogue.bad role: 'bad role' must be letters, digits and the characters + = , . @ _ -"
            " (no spaces), like 'bad-role'",
        ),
        ("rollout region pattern", "org.yaml:8: member_roles.rollout.region: 'Europe' must be an AWS Region code, like eu-west-1"),
        ("account id too short", "org.yaml:7: accounts.bad.account_id: '1234' must be 12 digits, quoted, like '123456789012'"),
        (
            "tag value as a number",
            "org.yaml:7: accounts.bad.tags.cost-center: YAML reads 1234 as a number; text belongs here: write it quoted, '1234'",
        ),
        ("tag value as yes", "org.yaml:7: accounts.bad.tags.enabled: YAML reads yes as true; text belongs here: write it quoted, 'yes'"),
        ("ou as a list", "org.yaml:7: accounts.bad.ou: one value belongs here, not a list: write Security"),
        ("invited as text", "org.yaml:7: accounts.bad.invited: 'maybe' is not true or false"),
        ("password length as text", "org.yaml:8: management_baseline.password_policy.minimum_length: 'twenty' is not a whole number"),
        ("account_stacks zero", "org.yaml:3: organization.account_stacks: 0 is too small: the least allowed is 1"),
    ],
)
def test_messages_say_what_belongs_in_words(tmp_path, case, message):
    assert message in problems(tmp_path, CATALOGUE[case])


def test_an_empty_value_says_what_belongs_there(tmp_path):
    found = problems(tmp_path, CATALOGUE["empty account"])
    assert found == [
        "org.yaml:7: accounts.bad: empty; an entry belongs here, with its keys name, email, ou"
        " (and optionally account_id, invited, role_name, tags), like `bad: {name: ..., email: ..., ou: ...}`"
    ]
    assert problems(tmp_path, CATALOGUE["policy targets empty"]) == [
        "org.yaml:11: policies.bad.targets: empty; a list belongs here (Root, OU paths (Workloads/Prod) or account keys), like [...]"
    ]
    assert problems(tmp_path, CATALOGUE["email empty"]) == [
        "org.yaml:7: accounts.bad.email: empty; text belongs here (Root user email, unique in AWS)"
    ]


@pytest.mark.parametrize(
    ("written", "read_as"),
    [("123456789012", "YAML reads 123456789012 as a number"), ("070000000001", "YAML reads 070000000001 as the octal number 7516192769")],
)
def test_an_unquoted_account_id_is_recognized_and_quoting_it_is_the_fix(tmp_path, written, read_as):
    assert problems(tmp_path, account(f"account_id: {written}")) == [
        f"org.yaml:7: accounts.bad.account_id: {read_as}; an account ID is text: write it quoted, '{written}'"
    ]


def test_an_unquoted_account_id_in_a_list_is_recognized(tmp_path):
    assert problems(tmp_path, CATALOGUE["guardrail trusted account as a number"]) == [
        "org.yaml:8: guardrails.data-perimeter-identities.trusted_accounts.0: YAML reads 123456789012 as a number;"
        " an account ID is text: write it quoted, '123456789012'"
    ]


def test_a_dedented_account_key_is_reported_where_it_is_with_a_fix_that_is_yaml(tmp_path):
    text = (
        "emulator_only: true\norganizational_units: [Security]\naccounts:\n"
        "  a:\n    name: A\n    email: a@example.com\n  ou: Security\n  b: {name: B, email: b@example.com, ou: Security}\n"
    )
    found = problems(tmp_path, text)
    assert found == [
        "org.yaml:7: accounts.ou: 'ou' is indented as an entry of accounts, but it is a key of accounts.a above it:"
        " indent it 4 spaces, as the other keys of accounts.a are",
    ]
    fixed = text.replace("\n  ou: Security", "\n    ou: Security")
    assert load_spec(_write(tmp_path, fixed)).accounts["a"].ou == "Security"


def test_a_key_dedented_to_the_top_level_is_reported_where_it_is(tmp_path):
    text = "emulator_only: true\norganizational_units: [Security]\naccounts:\n  a:\n    name: A\n    email: a@example.com\nou: Security\n"
    assert problems(tmp_path, text) == [
        "org.yaml:7: ou: 'ou' is indented as a key of the top level, but it is a key of accounts.a above it:"
        " indent it 4 spaces, as the other keys of accounts.a are",
    ]


def test_a_key_in_line_with_no_key_above_it_gets_the_indentations_it_could_mean(tmp_path):
    text = "emulator_only: true\naccounts:\n  a:\n    name: A\n    email: a@example.com\n   ou: Root\n"
    assert problems(tmp_path, text) == [
        "org.yaml:6: YAML syntax error: did not find expected key; line 6 is indented 3 spaces, in line with no key above it:"
        " indent it 4 spaces, like line 5, or 2 spaces, like line 3"
    ]
    assert load_spec(_write(tmp_path, text.replace("   ou:", "    ou:"))).accounts["a"].ou == "Root"


def test_a_key_written_after_an_entry_in_braces_belongs_inside_them(tmp_path):
    text = "emulator_only: true\norganizational_units: [Security]\naccounts:\n  a: {name: A, email: a@example.com}\n  ou: Security\n"
    assert problems(tmp_path, text) == [
        "org.yaml:5: accounts.ou: 'ou' is written as an entry of accounts, but it is a key of accounts.a above it:"
        " write it inside that entry's braces (line 4)"
    ]


ENTRY = "emulator_only: true\norganizational_units: [Security]\naccounts:\n  a:\n    name: A\n"


@pytest.mark.parametrize("value", ["a@example.com", "'a@example.com'", "[a@example.com]"])
def test_a_key_dedented_in_the_middle_of_an_entry_is_reported_at_its_own_line(tmp_path, value):
    """YAML notices only on the next key, indented as it should be: that line is not the mistake."""
    text = ENTRY + f"  email: {value}\n    ou: Security\n"
    assert problems(tmp_path, text) == [
        "org.yaml:6: YAML syntax error: line 6 is indented 2 spaces, out of the entry it is written in: the keys around it"
        " (lines 5 and 7) are indented 4 spaces; indent it 4 spaces, as they are"
    ]
    fixed = text.replace("\n  email:", "\n    email:").replace("[a@example.com]", "a@example.com")
    assert load_spec(_write(tmp_path, fixed)).accounts["a"].email == "a@example.com"


@pytest.mark.parametrize(
    ("dedented", "fixed"),
    [
        ('  tags: {cost-center: "1000"}\n', '    tags: {cost-center: "1000"}\n'),
        ('  tags:\n    cost-center: "1000"\n', '    tags:\n      cost-center: "1000"\n'),
    ],
    ids=["in braces", "block"],
)
def test_a_dedented_key_whose_value_is_a_mapping_is_one_message_at_the_key(tmp_path, dedented, fixed):
    """To YAML, a mapping at an account's indentation is an account named by its key: an account
    without its keys. A key the entry above takes, holding none of an account's keys, is dedented."""
    text = ENTRY + "    email: a@example.com\n    ou: Security\n" + dedented
    under = ", and the line under it (line 9) 2 spaces more, with it" if "\n    cost" in dedented else ""
    assert problems(tmp_path, text) == [
        "org.yaml:8: accounts.tags: 'tags' is indented as an entry of accounts, but it is a key of accounts.a above it:"
        f" indent it 4 spaces, as the other keys of accounts.a are{under}"
    ]
    assert load_spec(_write(tmp_path, text.replace(dedented, fixed))).accounts["a"].tags == {"cost-center": "1000"}


def test_an_account_named_like_a_key_is_still_an_account(tmp_path):
    """An entry holding an account's keys is an account, whatever its name: its own mistakes are reported."""
    text = ENTRY + "    email: a@example.com\n    ou: Security\n  tags: {name: T, email: t@example.com}\n"
    assert problems(tmp_path, text) == ["org.yaml:8: accounts.tags.ou: required key is missing"]


def test_a_quote_never_closed_is_reported_where_it_opens(tmp_path):
    text = "emulator_only: true\norganizational_units: [Security]\naccounts:\n  a:\n    name: 'A\n    ou: Security\n"
    assert problems(tmp_path, text) == [
        "org.yaml:5: YAML syntax error: the quote (') opened on this line is never closed, so the rest of the file is read"
        " as one value; close it on this line"
    ]


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "org.yaml").write_text(text)
    return tmp_path / "org.yaml"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # The quote opened on line 5 closes on line 6, where the parser gives up.
        ('accounts:\n  a:\n    name: A\n    ou: Root\n    email: "a@example.com\n    name2: "x"\n', 5),
        ('emulator_only: true\naccounts:\n  a:\n    name: "A\n    email: "a@example.com"\n    ou: Root\n', 4),
        ("emulator_only: true\naccounts:\n  a:\n    name: 'A\n    email: a@example.com\n    ou: 'Root'\n", 4),
        ("emulator_only: true\norganizational_units:\n  - 'Security\n  - 'Workloads'\naccounts: {}\n", 3),
        ('emulator_only: true\naccounts:\n  a: {name: A, email: a@example.com, ou: Root, tags: {cost: "12}}\n  b: {name: "B"}\n', 3),
    ],
)
def test_an_unclosed_quote_is_reported_where_it_opens(tmp_path, text, line):
    (found,) = problems(tmp_path, text)
    assert found.startswith(f"org.yaml:{line}: ")
    assert "quote" in found
    assert "indentation" not in found


def test_an_alias_bomb_names_the_key_that_holds_it(tmp_path):
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]" for i in range(8)]
    text = "lol:\n" + "".join(f"  {line}\n" for line in levels)
    assert problems(tmp_path, text) == [
        "org.yaml:7: lol.f: YAML aliases here expand to 1,111,111 values (more than 1,000,000); write the values out"
    ]


def test_too_many_scps_are_reported_at_each_policy_that_targets_the_ou(tmp_path):
    # Five each on shop-prod and Workloads/Prod fit; ten on Security do not.
    policies = "".join(
        f"  deny-{i}:\n    type: SERVICE_CONTROL_POLICY\n    document: policies/deny.json\n    targets:\n"
        f"      - {('shop-prod', 'Workloads/Prod')[i % 2]}\n      - Security\n"
        for i in range(10)
    )
    found = problems(tmp_path, BASE + "policies:\n" + policies)
    # deny-i's entry starts on line 8 + 6i; its second target, Security, is 5 lines further.
    assert [f.split(": ")[0:2] for f in found] == [[f"org.yaml:{13 + 6 * i}", f"policies.deny-{i}.targets.1"] for i in range(10)]
    assert all("10 SCPs target 'Security'" in f and "at most 9 may, besides FullAWSAccess, which AWS keeps attached" in f for f in found)


def test_too_many_scps_name_the_guardrails_that_cause_them(tmp_path):
    policies = "".join(
        f"  deny-{i}: {{type: SERVICE_CONTROL_POLICY, document: policies/deny.json, targets: [Security]}}\n" for i in range(9)
    )
    text = BASE + "policies:\n" + policies + "guardrails:\n  deny-root-user: {targets: [Security]}\n"
    found = problems(tmp_path, text)
    assert len(found) == 10
    assert found[-1].startswith("org.yaml:18: guardrails.deny-root-user.targets.0: 10 SCPs target 'Security'")
    assert "guardrails-" not in found[-1]  # orgboot's document keys are not the user's
    assert "guardrail deny-root-user" in found[0]
