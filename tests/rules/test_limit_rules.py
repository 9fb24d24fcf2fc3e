"""What CloudFormation, IAM or Organizations would refuse at deploy, refused by validate first:
managed policies per role and group, OU names that differ only in case, a template's size, a
stack's outputs, resources and parameters. Each with the bad input that proves it."""

import json

from orgboot.rules import load_spec
from tests.spec.test_loader import BASE, problems, write

ELEVEN = [
    "AdministratorAccess",
    "ReadOnlyAccess",
    "SecurityAudit",
    "PowerUserAccess",
    "IAMFullAccess",
    "AmazonS3FullAccess",
    "AmazonS3ReadOnlyAccess",
    "AmazonEC2FullAccess",
    "AmazonEC2ReadOnlyAccess",
    "AWSCloudTrail_ReadOnlyAccess",
    "AmazonVPCFullAccess",
]


def test_a_role_with_more_than_ten_managed_policies(tmp_path):
    yaml_text = BASE + f"member_roles:\n  catalogue:\n    Admin: {{managed_policies: {json.dumps(ELEVEN)}, targets: [Workloads]}}\n"
    assert problems(tmp_path, yaml_text) == [
        "org.yaml:9: member_roles.catalogue.Admin.managed_policies: 11 managed policies; IAM attaches at most 10 to a role by default,"
        " in every account the role lands in: combine some into an inline policy file"
    ]


def test_a_group_with_ten_managed_policies_and_require_mfa(tmp_path):
    yaml_text = BASE + f"management_baseline:\n  groups:\n    Admins: {{managed_policies: {json.dumps(ELEVEN[:10])}}}\n"
    assert problems(tmp_path, yaml_text) == [
        "org.yaml:9: management_baseline.groups.Admins.managed_policies: 11 managed policies (RequireMFA, which require_mfa"
        " attaches, is one of them); IAM attaches at most 10 to a group: combine some into an inline policy file"
    ]
    without_mfa = (
        BASE + f"management_baseline:\n  groups:\n    Admins: {{managed_policies: {json.dumps(ELEVEN[:10])}, require_mfa: false}}\n"
    )
    assert problems(tmp_path, without_mfa + "bad: 1\n")[0].startswith("org.yaml:10: bad: unknown key")  # nothing else
    eleven = BASE + f"management_baseline:\n  groups:\n    Admins: {{managed_policies: {json.dumps(ELEVEN)}, require_mfa: false}}\n"
    assert problems(tmp_path, eleven) == [
        "org.yaml:9: management_baseline.groups.Admins.managed_policies: 11 managed policies; IAM attaches at most 10 to a group:"
        " combine some into an inline policy file"
    ]


def test_sibling_ous_that_differ_only_in_case(tmp_path):
    yaml_text = BASE.replace("[Workloads/Prod, Security]", "[Workloads/Prod, Workloads/PROD, Security]")
    assert problems(tmp_path, yaml_text) == [
        "org.yaml:4: organizational_units.1: OUs 'Workloads/PROD' and 'Workloads/Prod' differ only in case under one parent;"
        " AWS may take them for one name: keep one spelling"
    ]
    cousins = BASE.replace("[Workloads/Prod, Security]", "[Workloads/Prod, Security/prod]")
    assert problems(tmp_path, cousins + "bad: 1\n")[0].startswith("org.yaml:7: bad: unknown key")  # other parents: fine


def test_an_organization_template_over_a_megabyte(tmp_path):
    teams = [f"team-{n:04d}-{'x' * 12}" for n in range(400)]
    statement = {
        "Effect": "Deny",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": teams}},
    }
    document = json.dumps({"Version": "2012-10-17", "Statement": [statement]})  # about 9,000 characters
    ous = [f"Team{n:02d}" for n in range(60)]
    policies = "".join(
        f"  p{n:02d}: {{type: SERVICE_CONTROL_POLICY, document: policies/big.json, targets: [{ous[n]}]}}\n" for n in range(60)
    )
    yaml_text = (
        "organization:\n  policy_types: [SERVICE_CONTROL_POLICY]\n" + f"organizational_units: {json.dumps(ous)}\npolicies:\n" + policies
    )
    found = problems(tmp_path, yaml_text, {"policies/big.json": document})
    assert found == [
        "org.yaml:4: policies: OrganizationStack's template could reach 1,078,780 bytes with these policies, OUs and accounts;"
        " CloudFormation accepts 1,000,000: fewer or smaller policies, or organization.account_stacks"
    ]


def test_more_ous_read_by_other_stacks_than_outputs_allow(tmp_path):
    ous = [f"Team{n:03d}" for n in range(199)]
    yaml_text = (
        f"organizational_units: {json.dumps(ous)}\n"
        + f"member_roles:\n  catalogue:\n    ReadOnly: {{managed_policies: [ReadOnlyAccess], targets: {json.dumps(ous)}}}\n"
    )
    assert problems(tmp_path, yaml_text) == [
        "org.yaml:3: member_roles.catalogue: the member roles' targets and the groups' grants name 199 OUs, whose IDs"
        " OrganizationStack passes on as 201 outputs; CloudFormation allows 200 per stack: target parent OUs instead"
    ]


def test_more_users_than_the_baseline_stack_holds(tmp_path):
    users = "".join(f"    user{n:03d}: {{groups: [Developers]}}\n" for n in range(467))
    groups = "  groups:\n    Developers: {}\n    Admins: {}\n"
    assert problems(tmp_path, BASE + "management_baseline:\n" + groups + "  users:\n" + users) == [
        "org.yaml:11: management_baseline.users: ManagementBaselineStack would hold up to 503 resources for 2 groups and 467 users;"
        " CloudFormation allows 500: people belong in IAM Identity Center"
    ]


def test_cis_monitoring_counts_towards_the_baseline_stack(tmp_path):
    """CIS monitoring adds 34 resources (log group, role, topic, topic policy, 15 filters, 15 alarms)
    and a subscription per address, the trail's log store 3 (key, access-log bucket and its policy):
    440 users fit without the trail, not with it (514)."""
    users = "".join(f"    user{n:03d}: {{groups: [Developers]}}\n" for n in range(440))
    groups = "  groups:\n    Developers: {}\n    Admins: {}\n"
    trail = "  organization_trail:\n    cis_monitoring: {notify: [security@example.com]}\n"
    baseline = BASE + "management_baseline:\n" + groups + "  users:\n" + users
    load_spec(write(tmp_path / "without", baseline))  # no SpecError
    assert problems(tmp_path / "with", baseline + trail) == [
        "org.yaml:11: management_baseline.users: ManagementBaselineStack would hold up to 514 resources for 2 groups and 440 users"
        " and CIS monitoring's 34 resources; CloudFormation allows 500: people belong in IAM Identity Center"
    ]


def third_party_roles(count: int) -> str:
    return "member_roles:\n  catalogue:\n" + "".join(
        f"    Vendor{n:03d}: {{managed_policies: [ReadOnlyAccess], trust: {{third_party_account: '{100000000000 + n}'}}, targets: [Workloads]}}\n"
        for n in range(count)
    )


def test_more_third_party_roles_than_parameters_allow(tmp_path):
    # BASE is an example (emulator_only): its stacks also declare EmulatorOnly, so 199 roles are one too many.
    assert problems(tmp_path, BASE + third_party_roles(199)) == [
        "org.yaml:8: member_roles.catalogue: 199 third-party roles take 199 external-ID parameters in MemberRolesStack;"
        " CloudFormation allows 200 per stack, one of them the CDK's and one EmulatorOnly"
    ]
    real = BASE.replace("emulator_only: true", "emulator_only: false").replace("@example.com", "@acme-corp.io")
    load_spec(write(tmp_path, real + third_party_roles(199)))  # valid
