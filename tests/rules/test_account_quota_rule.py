"""A new organization may hold 10 accounts, the management account included (AWS Organizations
quotas page, "Default maximum number of accounts"; Service Quotas L-E619E033). validate warns when
the spec needs more, naming the quota and how to ask for it, and still passes: the quota may be
raised already."""

from orgboot.aws.quotas import ACCOUNTS_PER_ORGANIZATION_DEFAULT
from orgboot.cli.main import main
from orgboot.rules import findings, load_spec, warnings
from tests.spec.test_loader import BASE, write

SPEC = """\
emulator_only: true
organizational_units: [Workloads]
accounts:
"""


def with_accounts(count: int, extra: str = "") -> str:
    lines = [f"  account-{i:02d}: {{name: Account {i:02d}, email: aws+{i:02d}@example.com, ou: Workloads}}" for i in range(count)]
    return SPEC + "\n".join(lines) + "\n" + extra


def quota_warning(needed: int) -> str:
    return (
        f"org.yaml:3: accounts: the organization will hold {needed} accounts (the management account included), more than"
        ' the 10 a new organization may hold (AWS Organizations quotas, "Default maximum number of accounts"; sometimes fewer for'
        " a new organization): beyond the quota, account creation fails (ACCOUNT_LIMIT_EXCEEDED). Unless the quota is raised"
        f" already, ask for {needed} or more before deploying, from the management account in us-east-1: the Service Quotas"
        " console (AWS Organizations, quota L-E619E033), or `aws service-quotas request-service-quota-increase --region us-east-1"
        f" --service-code organizations --quota-code L-E619E033 --desired-value {needed}`"
    )


def warned(tmp_path, text: str) -> list[str]:
    path = write(tmp_path, text)
    return [str(warning).replace(str(path), "org.yaml") for warning in warnings(path, load_spec(path))]


def test_the_default_is_ten_accounts_with_the_management_account():
    assert ACCOUNTS_PER_ORGANIZATION_DEFAULT == 10


def test_nine_members_and_the_management_account_fit(tmp_path):
    assert warned(tmp_path, with_accounts(9)) == []


def test_a_tenth_member_is_warned_about_with_the_quota_and_how_to_raise_it(tmp_path):
    assert warned(tmp_path, with_accounts(10)) == [quota_warning(11)]


def test_the_warning_is_no_problem(tmp_path):
    _, problems = findings(write(tmp_path, with_accounts(10)))
    assert problems == []


def test_released_and_unmanaged_accounts_count_and_the_management_account_once(tmp_path):
    released = "released_accounts: [gone]\n"
    assert warned(tmp_path, with_accounts(8, released)) == []  # 8 + 1 released + the management account
    assert warned(tmp_path, with_accounts(9, released)) == [quota_warning(11)]
    unmanaged = (
        "unmanaged:\n  accounts:\n"
        '    management: {id: "111111111111", name: Management, email: aws+mgmt@example.com, ou: Root, why: management account}\n'
        '    old: {id: "222222222222", name: Old, email: aws+old@example.com, ou: Root, state: SUSPENDED, why: not active}\n'
    )
    assert warned(tmp_path, with_accounts(8, unmanaged)) == []  # the management account is one of the unmanaged
    assert warned(tmp_path, with_accounts(9, unmanaged)) == [quota_warning(11)]


def test_validate_prints_the_warning_and_passes(tmp_path, capsys):
    path = write(tmp_path, with_accounts(10))
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"warning: {quota_warning(11).replace('org.yaml', str(path), 1)}" in out
    assert main(["validate", str(write(tmp_path, BASE))]) == 0
    assert "warning" not in capsys.readouterr().out
