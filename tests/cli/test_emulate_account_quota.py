"""`orgboot emulate --account-quota N`: the emulated organization holds at most N accounts, the
management account included, as a new organization holds 10 until AWS raises its quota (Service
Quotas L-E619E033); account creation beyond it fails as in AWS."""

import pytest

from tests.cli.test_commands import orgboot


@pytest.mark.parametrize("serve", [[], ["--serve"]])
def test_creating_more_accounts_than_the_quota_fails_as_in_aws(example_assembly, serve):
    result = orgboot("emulate", *serve, "--account-quota", "5", str(example_assembly))  # the example has 6 member accounts
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        "Account creation failed with reason [ACCOUNT_LIMIT_EXCEEDED] for request id: car-emulated (the organization holds 5 accounts,"
        " its quota; ask for more: Service Quotas L-E619E033;"
        " an emulated organization with a raised quota: orgboot emulate --account-quota N)"
    ) in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--account-quota", "0"], "argument --account-quota: 0: an organization holds at least its management account (1 or more)"),
        (["--account-quota", "ten"], "argument --account-quota: 'ten' is not a number of accounts"),
        (
            ["--account-quota", "20", "--endpoint-url", "http://127.0.0.1:1"],
            "--account-quota is the served emulated AWS's: give it where it is served (orgboot emulate --serve --account-quota N)",
        ),
    ],
)
def test_a_quota_that_cannot_be_is_a_usage_error(args, message):
    result = orgboot("emulate", *args)
    assert result.returncode == 2
    assert message in result.stderr
