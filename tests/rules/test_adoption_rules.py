"""An adopted organization in org.yaml: what exists must agree with what orgboot would create, and
the checks know what the organization really holds (no access role in an invited account; no
FullAWSAccess where it was detached)."""

import json

from orgboot.analysis.simulate import simulate
from orgboot.rules import load_spec
from tests.spec.test_loader import problems, write

ALLOW_EC2 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}
# Denies every role but the break-glass one: the access role is no exception.
QUARANTINE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"}},
        }
    ],
}

ADOPTED = """\
organization:
  policy_types: [SERVICE_CONTROL_POLICY]
organizational_units: [Workloads, Sandbox]
accounts:
  payments: {name: Payments, email: aws+payments@acme-corp.io, ou: Workloads, account_id: "111111111111"}
  partner: {name: Partner, email: aws+partner@acme-corp.io, ou: Sandbox, account_id: "222222222222", invited: true}
policies:
  deny: {type: SERVICE_CONTROL_POLICY, name: Deny Leave, document: policies/deny.json, targets: [Workloads, old], tags: {team: platform}}
unmanaged:
  accounts:
    old: {id: "333333333333", name: Old, email: aws+old@acme-corp.io, ou: Sandbox, state: SUSPENDED, why: not active}
"""


def test_an_adopted_organization_validates(tmp_path):
    spec = load_spec(write(tmp_path, ADOPTED))
    assert spec.known_account_ids == {"payments": "111111111111", "partner": "222222222222", "old": "333333333333"}
    assert spec.policy_name("deny") == "Deny Leave"
    assert spec.policies["deny"].targets == ("Workloads", "old")  # a policy stays attached to an unmanaged account


def test_an_account_is_managed_or_not_never_both(tmp_path):
    text = ADOPTED + '    payments: {id: "444444444444", name: P, email: aws+p@acme-corp.io, ou: Root, why: not active}\n'
    assert problems(tmp_path, text) == [
        "org.yaml:12: unmanaged.accounts.payments: 'payments' is both a managed and an unmanaged account; an account is one or"
        " the other: remove one entry"
    ]


def test_an_account_id_is_declared_once(tmp_path):
    text = ADOPTED.replace('account_id: "222222222222"', 'account_id: "111111111111"')
    assert problems(tmp_path, text) == [
        "org.yaml:6: accounts.partner.account_id: account ID 111111111111 is already given to 'payments'; an account is declared once"
    ]


def test_a_name_taken_in_the_management_account_is_refused_with_the_existing_resource(tmp_path):
    budget = "monthly-cost-f3e4cfe3"  # the name orgboot gives the budget below (spec/baseline.py, Billing.budget_name)
    text = ADOPTED + (
        f"  management_account_names: {{iam_groups: [Admins], trails: [org-trail], iam_policies: [RequireMFA], budgets: [{budget}],"
        " iam_roles: [ManagementAdmin]}\n"
        "management_baseline:\n"
        "  groups: {Admins: {managed_policies: [AdministratorAccess]}}\n"
        "  organization_trail: {name: org-trail}\n"
        "  billing: {alarm_threshold_usd: 100, monthly_budget_usd: 80, notify: [finance@acme-corp.io]}\n"
        "  admin_role: {assumable_by: [Admins]}\n"
    )
    found = problems(tmp_path, text)
    assert [line.split(": the management account", 1)[0] for line in found] == [
        "org.yaml:13: management_baseline",
        "org.yaml:14: management_baseline.groups.Admins",
        "org.yaml:15: management_baseline.organization_trail.name",
        "org.yaml:16: management_baseline.billing",
        "org.yaml:17: management_baseline.admin_role.name",
    ]
    assert "has an IAM group named 'Admins' already" in found[1]


def test_full_aws_access_detached_needs_another_scp_there(tmp_path):
    text = ADOPTED.replace(
        "  policy_types: [SERVICE_CONTROL_POLICY]\n", "  policy_types: [SERVICE_CONTROL_POLICY]\n  full_aws_access_detached: [Sandbox]\n"
    )
    assert problems(tmp_path, text) == [
        "org.yaml:3: organization.full_aws_access_detached.0: FullAWSAccess is detached from 'Sandbox' but no other SCP targets it;"
        " AWS keeps at least one SCP attached to every target. Attach an allow-list SCP there"
    ]


def test_where_full_aws_access_is_detached_only_the_allow_list_allows(tmp_path):
    text = ADOPTED.replace(
        "  policy_types: [SERVICE_CONTROL_POLICY]\n", "  policy_types: [SERVICE_CONTROL_POLICY]\n  full_aws_access_detached: [Sandbox]\n"
    )
    text = text.replace(
        "unmanaged:", "  allow-ec2: {type: SERVICE_CONTROL_POLICY, document: policies/allow-ec2.json, targets: [Sandbox]}\nunmanaged:"
    )
    spec = load_spec(write(tmp_path, text, {"policies/allow-ec2.json": json.dumps(ALLOW_EC2)}))
    anyone = "arn:aws:iam::222222222222:role/Anything"
    assert simulate(spec, account="partner", principal=anyone, action="ec2:RunInstances").allowed
    assert not simulate(spec, account="partner", principal=anyone, action="s3:GetObject").allowed
    assert simulate(spec, account="payments", principal="arn:aws:iam::111111111111:role/Anything", action="s3:GetObject").allowed


def test_an_invited_account_has_no_access_role_to_lock_out_of(tmp_path):
    quarantine = "  quarantine: {type: SERVICE_CONTROL_POLICY, document: policies/quarantine.json, targets: [partner]}\n"
    files = {"policies/quarantine.json": json.dumps(QUARANTINE)}
    assert load_spec(write(tmp_path, ADOPTED.replace("unmanaged:", quarantine + "unmanaged:"), files))
    created = ADOPTED.replace(", invited: true", "").replace("unmanaged:", quarantine + "unmanaged:")
    assert any("OrganizationAccountAccessRole can do nothing" in line for line in problems(tmp_path, created, files))


def test_an_adopted_account_spread_over_stacks_is_a_target_by_its_id(tmp_path):
    """With account_stacks, an account lives in a stack deployed after the policies: a policy can
    name it only by the ID the spec gives (stacks/organization_stack.py takes it literally)."""
    spread = ADOPTED.replace(
        "  policy_types: [SERVICE_CONTROL_POLICY]\n", "  policy_types: [SERVICE_CONTROL_POLICY]\n  account_stacks: 2\n"
    )
    spread = spread.replace("targets: [Workloads, old]", "targets: [Workloads, payments]")
    assert load_spec(write(tmp_path, spread)).known_account_ids["payments"] == "111111111111"
    unknown = spread.replace(', account_id: "111111111111"', "")
    assert problems(tmp_path, unknown) == [
        "org.yaml:9: policies.deny.targets.1: account 'payments' cannot be a target while organization.account_stacks spreads"
        " the accounts over stacks of their own, unless its account_id is given; target its OU, or an OU of its own"
    ]


def test_the_stack_sets_orgboot_would_create_are_refused_where_their_names_are_taken(tmp_path):
    """Every StackSet lives in the management account, whichever accounts it deploys to: the trail's
    log archive, the member account settings, Config's bucket and aggregator, one per security service."""
    from tests.spec.test_loader import BASE

    taken = [
        "orgboot-organization-trail-logs",
        "orgboot-account-settings",
        "orgboot-config-bucket",
        "orgboot-config-aggregator",
        "orgboot-guardduty",
        "orgboot-security-hub",
        "orgboot-access-analyzer",
        "orgboot-role-Unrelated",  # a StackSet orgboot would not create: no refusal
    ]
    text = BASE + (
        "  audit: {name: Audit, email: audit@example.com, ou: Security}\n"
        "guardrails:\n  region-deny: {allowed_regions: [eu-west-1, us-east-1], targets: [Workloads]}\n"
        "management_baseline:\n"
        "  organization_trail:\n"
        "    log_archive: {account: audit, region: eu-west-1}\n"
        "security_baseline:\n"
        "  delegated_administrator: audit\n"
        "  config: {}\n"
        "  guardduty: {}\n"
        "  security_hub: {}\n"
        "  access_analyzer: {}\n"
        f"unmanaged:\n  management_account_names: {{stack_sets: [{', '.join(taken)}]}}\n"
    )
    found = problems(tmp_path, text)
    refused = {line.split("StackSet named '", 1)[1].split("'", 1)[0]: line.split(": the management account", 1)[0] for line in found}
    assert refused == {
        "orgboot-organization-trail-logs": "org.yaml:12: management_baseline.organization_trail.log_archive",
        "orgboot-account-settings": "org.yaml:13: security_baseline",
        "orgboot-config-bucket": "org.yaml:15: security_baseline.config",
        "orgboot-config-aggregator": "org.yaml:15: security_baseline.config",
        "orgboot-guardduty": "org.yaml:16: security_baseline.guardduty",
        "orgboot-security-hub": "org.yaml:17: security_baseline.security_hub",
        "orgboot-access-analyzer": "org.yaml:18: security_baseline.access_analyzer",
    }
    assert len(found) == len(refused)
    assert all("orgboot would create one by that name and the deploy would fail" in line for line in found)
