"""management_baseline in org.yaml: CIS defaults, and bad values refused with AWS's range."""

import pytest

from orgboot.rules import load_spec
from orgboot.spec import PasswordPolicy
from tests.spec.test_loader import BASE, problems, write


def baseline(text: str) -> str:
    return BASE + "management_baseline:\n" + "".join(f"  {line}\n" for line in text.strip("\n").splitlines())


def test_password_policy_defaults_are_cis():
    assert PasswordPolicy().model_dump() == {
        "minimum_length": 14,
        "require_uppercase": True,
        "require_lowercase": True,
        "require_numbers": True,
        "require_symbols": True,
        "allow_users_to_change": True,
        "max_age_days": 90,
        "reuse_prevention": 24,
        "hard_expiry": False,
    }


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("minimum_length", 5, "minimum_length 5 is outside AWS's range 6-128"),
        ("minimum_length", 129, "minimum_length 129 is outside AWS's range 6-128"),
        ("reuse_prevention", 0, "reuse_prevention 0 is outside AWS's range 1-24"),
        ("reuse_prevention", 25, "reuse_prevention 25 is outside AWS's range 1-24"),
        ("max_age_days", 0, "max_age_days 0 is outside AWS's range 1-1095"),
        ("max_age_days", 1096, "max_age_days 1096 is outside AWS's range 1-1095"),
    ],
)
def test_password_values_outside_aws_ranges(tmp_path, key, value, message):
    found = problems(tmp_path, baseline(f"password_policy: {{{key}: {value}}}"))
    assert found == [f"org.yaml:8: management_baseline.password_policy.{key}: {message}"]


@pytest.mark.parametrize("alias", ["Acme", "-acme", "ab", "acme_prod", "acme-", "acme--prod", "a" * 64])
def test_account_alias_pattern(tmp_path, alias):
    (found,) = problems(tmp_path, baseline(f"account_alias: '{alias}'"))
    assert found.startswith("org.yaml:8: management_baseline.account_alias: ")
    assert found == (
        f"org.yaml:8: management_baseline.account_alias: '{alias}' is not an account alias: 3-63 lowercase letters, digits"
        " and single hyphens, starting and ending with a letter or digit (IAM CreateAccountAlias)"
    )


def test_unknown_managed_policy_is_caught_with_a_suggestion(tmp_path):
    found = problems(tmp_path, baseline("groups:\n  Admins: {managed_policies: [AdministratorAcess]}"))
    assert found == [
        "org.yaml:9: management_baseline.groups.Admins.managed_policies.0: 'AdministratorAcess' is not an AWS managed"
        " policy (did you mean 'AdministratorAccess'?); give its name (AdministratorAccess, job-function/Billing) or a full ARN"
    ]


def test_full_arns_are_taken_as_given(tmp_path):
    spec = load_spec(write(tmp_path, baseline("groups:\n  Ops: {managed_policies: ['arn:aws:iam::123456789012:policy/Custom']}")))
    assert spec.management_baseline.groups["Ops"].managed_policies == ("arn:aws:iam::123456789012:policy/Custom",)


def test_users_and_support_role_reference_declared_groups(tmp_path):
    found = problems(tmp_path, baseline("groups:\n  Admins: {}\nusers:\n  alice: {groups: [Admin]}\nsupport_role: {assumable_by: [Ops]}"))
    assert found == [
        "org.yaml:11: management_baseline.users.alice.groups.0: group 'Admin' is not declared (did you mean 'Admins'?);"
        " declare it under management_baseline.groups",
        "org.yaml:12: management_baseline.support_role.assumable_by.0: group 'Ops' is not declared;"
        " declare it under management_baseline.groups",
    ]


def test_grants_point_at_declared_ous(tmp_path):
    found = problems(tmp_path, baseline("groups:\n  Admins:\n    break_glass: [{role: OrganizationAccountAccessRole, ous: [Workload]}]"))
    assert found == [
        "org.yaml:10: management_baseline.groups.Admins.break_glass.0.ous.0: OU 'Workload' is not declared"
        " (did you mean 'Workloads'?); add it to organizational_units or use Root"
    ]


def test_billing_needs_valid_recipients(tmp_path):
    emails = ", ".join(f"p{i}@example.com" for i in range(11))
    found = problems(tmp_path, baseline(f"billing: {{alarm_threshold_usd: 100, monthly_budget_usd: 100, notify: [{emails}]}}"))
    assert len(found) == 1
    assert found[0].startswith("org.yaml:8: management_baseline.billing.notify: ")
    assert "at most 10" in found[0]
    found = problems(tmp_path, baseline("billing: {alarm_threshold_usd: 0, monthly_budget_usd: 100, notify: [finance]}"))
    assert [f.split(": ")[1] for f in found] == ["management_baseline.billing.alarm_threshold_usd", "management_baseline.billing.notify.0"]


def test_example_baseline(example_spec):
    """People sign in through IAM Identity Center: the baseline keeps one break-glass path, a group
    of its own with nobody in it until an incident, and no IAM users."""
    baseline = example_spec.management_baseline
    assert set(baseline.groups) == {"BreakGlass"}
    assert baseline.users == {}
    break_glass = baseline.groups["BreakGlass"]
    assert [(g.role, g.ous) for g in break_glass.break_glass] == [("OrganizationAccountAccessRole", ("Root",))]
    assert break_glass.may_assume == ()
    assert break_glass.require_mfa
    assert baseline.admin_role is not None
    assert baseline.support_role is not None
    assert baseline.admin_role.assumable_by == baseline.support_role.assumable_by == ("BreakGlass",)
    assert example_spec.identity_center is not None


def test_the_iam_groups_baseline(iam_groups_spec):
    """Groups and users still do what they did (orgboot 0.10's example, tests/data/iam_groups)."""
    baseline = iam_groups_spec.management_baseline
    assert set(baseline.groups) == {"Admins", "BreakGlass", "Billing", "Auditors"}
    assert baseline.groups["Auditors"].managed_policies == ("SecurityAudit", "job-function/ViewOnlyAccess")
    # Break-glass is a group of its own, nobody in it until an incident; Admins keep everyday grants.
    break_glass = baseline.groups["BreakGlass"]
    assert [(g.role, g.ous) for g in break_glass.break_glass] == [("OrganizationAccountAccessRole", ("Root",))]
    assert break_glass.may_assume == ()
    assert baseline.groups["Admins"].break_glass == ()
    assert not any("BreakGlass" in user.groups for user in baseline.users.values())
    assert all(group.require_mfa for group in baseline.groups.values())


@pytest.mark.parametrize("name", ["trail-", "my--trail", "my-_trail", "ab", "192.168.5.4", "a" * 129])
def test_trail_names_follow_cloudtrail(tmp_path, name):
    (found,) = problems(tmp_path, baseline(f"organization_trail: {{name: '{name}'}}"))
    assert found.startswith(f"org.yaml:8: management_baseline.organization_trail.name: '{name}' is not a trail name: 3-128 of")


@pytest.mark.parametrize("name", ["organization-trail", "org.trail_2", "Abc"])
def test_valid_trail_names(tmp_path, name):
    trail = load_spec(write(tmp_path, baseline(f"organization_trail: {{name: '{name}'}}"))).management_baseline.organization_trail
    assert trail is not None
    assert trail.name == name
