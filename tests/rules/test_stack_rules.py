"""Rules on what fits in a stack, and on accounts spread over stacks."""

import pytest

from orgboot.rules import load_spec
from orgboot.spec.layout import ACCOUNTS_PER_STACK_MAX, account_stack
from tests.spec.test_loader import problems, write


def spec_text(accounts: int, account_stacks: int | None = None, targets: str = "[Root]") -> str:
    organization = "emulator_only: true\norganization:\n  policy_types: [SERVICE_CONTROL_POLICY]\n"
    if account_stacks is not None:
        organization += f"  account_stacks: {account_stacks}\n"
    lines = [f"  a{n:04d}: {{name: A{n:04d}, email: a{n:04d}@example.com, ou: Workloads}}" for n in range(accounts)]
    return (
        organization
        + "organizational_units: [Workloads]\naccounts:\n"
        + "\n".join(lines)
        + f"\npolicies:\n  deny: {{type: SERVICE_CONTROL_POLICY, document: policies/deny.json, targets: {targets}}}\n"
    )


def test_one_stack_holds_up_to_the_limit(tmp_path):
    # one OU and one policy besides the accounts
    assert len(load_spec(write(tmp_path, spec_text(ACCOUNTS_PER_STACK_MAX - 2))).accounts) == ACCOUNTS_PER_STACK_MAX - 2


def test_more_than_one_stack_holds_asks_for_account_stacks(tmp_path):
    assert problems(tmp_path, spec_text(ACCOUNTS_PER_STACK_MAX - 1)) == [
        "org.yaml:5: accounts: OrganizationStack would hold 401 OUs, policies and accounts; CloudFormation allows 500 resources"
        " per stack and orgboot keeps 400 for room to grow: spread the accounts over stacks of their own:"
        " organization.account_stacks: 2 (docs/scale.md)"
    ]


def test_spread_accounts_fit(tmp_path):
    spec = load_spec(write(tmp_path, spec_text(ACCOUNTS_PER_STACK_MAX + 100, account_stacks=3)))
    assert {account_stack(key, 3) for key in spec.accounts} == {
        "OrganizationAccounts01",
        "OrganizationAccounts02",
        "OrganizationAccounts03",
    }


def test_an_overfull_account_stack_is_refused(tmp_path):
    found = problems(tmp_path, spec_text(ACCOUNTS_PER_STACK_MAX + 1, account_stacks=1))
    assert found == [
        "org.yaml:4: organization.account_stacks: OrganizationAccounts01 would hold 401 accounts, more than 400: more account"
        " stacks are needed, and changing account_stacks moves accounts between stacks: a migration (docs/scale.md)"
    ]


def test_policies_cannot_target_accounts_spread_over_stacks(tmp_path):
    found = problems(tmp_path, spec_text(2, account_stacks=2, targets="[Workloads, a0001]"))
    assert found == [
        "org.yaml:10: policies.deny.targets.1: account 'a0001' cannot be a target while organization.account_stacks spreads"
        " the accounts over stacks of their own, unless its account_id is given; target its OU, or an OU of its own"
    ]


@pytest.mark.parametrize("value", [0, 100, "many"])
def test_account_stacks_range(tmp_path, value):
    (found,) = problems(
        tmp_path,
        spec_text(1).replace(
            "policy_types: [SERVICE_CONTROL_POLICY]\n", f"policy_types: [SERVICE_CONTROL_POLICY]\n  account_stacks: {value}\n"
        ),
    )
    assert "organization.account_stacks" in found


def ous_each(accounts: int, name_length: int) -> str:
    names = [f"{n:04d}".ljust(name_length, "x") for n in range(accounts)]
    lines = [f"  a{n:04d}: {{name: A{n:04d}, email: a{n:04d}@example.com, ou: Top/{name}}}" for n, name in enumerate(names)]
    return (
        "emulator_only: true\norganization:\n  policy_types: [SERVICE_CONTROL_POLICY]\n  account_stacks: 1\n"
        + "organizational_units:\n"
        + "".join(f"  - Top/{name}\n" for name in names)
        + "accounts:\n"
        + "\n".join(lines)
        + "\n"
    )


def test_ou_lookup_answers_fit_in_4096_bytes(tmp_path):
    assert len(load_spec(write(tmp_path, ous_each(380, 20))).accounts) == 380
    found = problems(tmp_path / "long", ous_each(380, 100))
    assert found
    assert all("reads" in line and "OU IDs in one lookup" in line and "CloudFormation accepts 4096" in line for line in found)
