"""Accounts spread over stacks (organization.account_stacks): an account's stack never depends on
other accounts, and adding one account changes one stack by one resource and one DependsOn."""

import json
import random
from functools import partial
from pathlib import Path

import pytest
import yaml
from aws_cdk import App, Stack

from bench.generate import generate
from orgboot.rules import load_spec
from orgboot.spec import layout, logical_ids
from orgboot.spec.identity_center import expand_assignments
from tests.conftest import synth

from constructs.member_accounts import MemberAccounts


def templates(assembly: Path) -> dict[str, dict]:
    return {path.name.removesuffix(".template.json"): json.loads(path.read_text()) for path in assembly.glob("*.template.json")}


def stack_of_each_account(assembly: Path) -> dict[str, str]:
    placement: dict[str, str] = {}
    for stack, template in templates(assembly).items():
        for logical_id, resource in template["Resources"].items():
            if resource["Type"] == "AWS::Organizations::Account":
                assert logical_id not in placement, f"{logical_id} is in {placement[logical_id]} and {stack}"
                placement[logical_id] = stack
    return placement


def edit(spec_file: Path, change) -> None:
    data = yaml.safe_load(spec_file.read_text())
    change(data)
    spec_file.write_text(yaml.safe_dump(data, sort_keys=False))


def shuffle(data, rng: random.Random, round_: int) -> None:
    """Ten accounts leave, ten join, ten move to another OU, and the order changes. The first
    generated account stays: the example's settings name it (bench/generate.py)."""
    accounts = data["accounts"]
    for key in rng.sample([key for key in accounts if key != "account-00000"], 10):
        del accounts[key]
    for n in range(10):
        key = f"new-{round_}-{n}"
        accounts[key] = {"name": f"New {round_} {n}", "email": f"aws+{key}@example.com", "ou": rng.choice(data["organizational_units"])}
    for key in rng.sample(list(accounts), 10):
        accounts[key]["ou"] = rng.choice(data["organizational_units"])
    data["accounts"] = dict(rng.sample(list(accounts.items()), len(accounts)))


def test_random_edits_never_move_an_account(tmp_path):
    spec_file = generate(90, tmp_path / "org", account_stacks=3)
    placement = stack_of_each_account(synth(load_spec(spec_file), tmp_path / "out-0"))
    assert set(placement.values()) == {"OrganizationAccounts01", "OrganizationAccounts02", "OrganizationAccounts03"}
    rng = random.Random(20261124)
    for round_ in range(1, 4):
        edit(spec_file, partial(shuffle, rng=rng, round_=round_))
        now = stack_of_each_account(synth(load_spec(spec_file), tmp_path / f"out-{round_}"))
        assert {lid: now[lid] for lid in now.keys() & placement.keys()} == {lid: placement[lid] for lid in now.keys() & placement.keys()}
        assert len(now) == len(yaml.safe_load(spec_file.read_text())["accounts"])
        placement = now


def test_adding_an_account_changes_one_stack_by_one_resource(tmp_path):
    """At the scale the layout is for: 5,000 accounts over 20 stacks."""
    spec_file = generate(5000, tmp_path / "org")
    assert load_spec(spec_file).organization.account_stacks == 20
    before = templates(synth(load_spec(spec_file), tmp_path / "before"))

    def join(data):
        data["accounts"]["account-00100b"] = {
            "name": "Joiner",
            "email": "aws+joiner@example.com",
            "ou": data["accounts"]["account-00100"]["ou"],
        }

    edit(spec_file, join)
    after = templates(synth(load_spec(spec_file), tmp_path / "after"))
    changed = sorted(stack for stack in before if before[stack] != after[stack])
    # Its accounts stack, and the one assignment stack its Identity Center assignments go to (the
    # example assigns permission sets through OUs, so the new account has some): nothing else.
    spec = load_spec(spec_file)
    assert spec.identity_center is not None
    assignments_stack = layout.assignment_stack("account-00100b", spec.identity_center.assignment_stacks)
    assert len(changed) == 2, changed
    assert assignments_stack in changed, changed
    old_grants, new_grants = before[assignments_stack]["Resources"], after[assignments_stack]["Resources"]
    assert {lid: r for lid, r in old_grants.items() if lid in new_grants} == old_grants
    joiner = expand_assignments(spec)["account-00100b"]
    assert joiner
    added = {lid for lid in set(new_grants) - set(old_grants) if new_grants[lid]["Type"] == "AWS::SSO::Assignment"}
    assert added == {logical_ids.assignment("account-00100b", group, permission_set) for group, permission_set in joiner}
    (accounts_stack,) = [stack for stack in changed if stack != assignments_stack]
    old, new = before[accounts_stack]["Resources"], after[accounts_stack]["Resources"]
    assert set(new) - set(old) == {logical_ids.account("account-00100b")}
    assert set(old) <= set(new)
    modified = {lid for lid in old if old[lid] != new[lid]}
    # The stack's alternate contacts name the new account too: it gets them in the deploy that creates it.
    assert logical_ids.ALTERNATE_CONTACTS in modified

    def named(resources: dict) -> list:
        return [account for ids in resources[logical_ids.ALTERNATE_CONTACTS]["Properties"]["Accounts"].values() for account in ids]

    assert [account for account in named(new) if account not in named(old)] == [
        {"Fn::GetAtt": [logical_ids.account("account-00100b"), "AccountId"]}
    ]
    modified -= {logical_ids.ALTERNATE_CONTACTS}
    assert len(modified) <= 1
    for lid in modified:  # the account after the new one in the chain now waits for it
        assert {k: v for k, v in old[lid].items() if k != "DependsOn"} == {k: v for k, v in new[lid].items() if k != "DependsOn"}
        assert new[lid]["DependsOn"] == [logical_ids.account("account-00100b")]


def test_stacks_deploy_in_a_fixed_order_one_after_the_other(spread):
    manifest = json.loads((spread[1] / "manifest.json").read_text())["artifacts"]
    depends = {name: set(a.get("dependencies", [])) for name, a in manifest.items() if a["type"] == "aws:cloudformation:stack"}
    assert "OrganizationStack" in depends["OrganizationAccounts01"]
    assert "OrganizationAccounts01" in depends["OrganizationAccounts02"]
    assert "OrganizationAccounts02" in depends["OrganizationAccounts03"]
    assert "OrganizationAccounts03" in depends["MemberRolesStack"]


@pytest.mark.parametrize("accounts", [0, 1])
def test_a_stack_without_accounts_holds_a_placeholder(tmp_path, accounts):
    assembly = synth(load_spec(generate(accounts, tmp_path / "org", account_stacks=3)), tmp_path / "out")
    found = templates(assembly)
    empty = [
        name
        for name in ("OrganizationAccounts01", "OrganizationAccounts02", "OrganizationAccounts03")
        if name in found and not any(r["Type"] == "AWS::Organizations::Account" for r in found[name]["Resources"].values())
    ]
    assert len(empty) == 3 - accounts
    for name in empty:
        assert [r["Type"] for r in found[name]["Resources"].values() if r["Type"] != "AWS::CDK::Metadata"] == [
            "AWS::CloudFormation::WaitConditionHandle"
        ]


def test_member_accounts_refuses_an_empty_list():
    """A fragment with no resources is not a template; callers give an empty shard a placeholder."""
    with pytest.raises(ValueError, match="at least one account"):
        MemberAccounts(Stack(App(), "S"), "Accounts", accounts=[], parent_ids={}, after=None)
