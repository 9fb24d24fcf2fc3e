"""identity_center in org.yaml: permission sets and assignments, each bad field refused at its line
with what AWS accepts, references checked with a suggestion, and the assignments expanded over the
accounts as the stacks and the analysis read them."""

import json

import pytest

from orgboot.aws import identity_center as aws
from orgboot.policy.matching import arn_like
from orgboot.rules import load_spec
from orgboot.spec import logical_ids
from orgboot.spec.identity_center import MANAGEMENT, accounts_reached, assignments_for_ou, expand_assignments
from orgboot.spec.layout import ASSIGNMENTS_STACK, assignment_stack, assignment_stack_names
from orgboot.spec.yaml_source import parse_yaml
from tests.spec.test_loader import problems, write
from tests.spec.test_schema import _problems as schema_problems
from tests.spec.test_schema import validator  # noqa: F401 (a fixture)

ORG = """\
emulator_only: true
organizational_units: [Workloads/Prod, Workloads/Dev, Security, Sandbox]
accounts:
  shop-prod: {name: Shop Prod, email: shop-prod@example.com, ou: Workloads/Prod}
  shop-dev: {name: Shop Dev, email: shop-dev@example.com, ou: Workloads/Dev}
  audit: {name: Audit, email: audit@example.com, ou: Security}
"""

CENTER = """\
identity_center:
  region: eu-west-1
  permission_sets:
    PlatformAdmin:
      description: Full administration, for the platform team.
      managed_policies: [AdministratorAccess]
      customer_managed_policies: [{name: workload-boundary, path: /boundaries/}]
      inline_policy: policies/identity-center/admin.json
      permissions_boundary: {customer_managed_policy: {name: workload-boundary}}
      session_hours: 4
      relay_state: https://console.aws.amazon.com/console/home?region=eu-west-1#
    ReadOnly:
      managed_policies: [ReadOnlyAccess, job-function/ViewOnlyAccess]
      permissions_boundary: {managed_policy: PowerUserAccess}
  assignments:
    - group: Platform
      permission_set: PlatformAdmin
      targets: [Root, management]
    - group: Developers
      permission_set: ReadOnly
      targets: [Workloads, shop-prod]
    - group: Auditors
      permission_set: ReadOnly
      targets: [audit]
"""

INLINE = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
FILES = {"policies/identity-center/admin.json": json.dumps(INLINE, indent=2)}


def spec_of(tmp_path, text: str = ORG + CENTER):
    return load_spec(write(tmp_path, text, FILES))


def found(tmp_path, before: str, after: str) -> list[str]:
    text = ORG + CENTER
    assert text.count(before) == 1, before
    return problems(tmp_path, text.replace(before, after), FILES)


def test_a_valid_identity_center(tmp_path):
    center = spec_of(tmp_path).identity_center
    assert center is not None
    assert center.region == "eu-west-1"
    assert center.assignment_stacks is None
    admin, read_only = center.permission_sets["PlatformAdmin"], center.permission_sets["ReadOnly"]
    assert admin.session_duration == center.session_duration("PlatformAdmin") == "PT4H"
    assert read_only.session_duration == "PT1H"  # AWS's default, written out
    assert admin.customer_managed_policies[0].path == "/boundaries/"
    assert admin.permissions_boundary is not None
    assert admin.permissions_boundary.customer_managed_policy is not None
    assert admin.permissions_boundary.customer_managed_policy.path == "/"
    assert admin.inline_policy is not None
    assert admin.inline_policy.content == INLINE
    assert admin.managed_policy_count == 2
    assert (read_only.description, read_only.relay_state, read_only.inline_policy) == (None, None, None)
    assert [a.targets for a in center.assignments] == [("Root", "management"), ("Workloads", "shop-prod"), ("audit",)]


def test_a_spec_without_identity_center_has_none(tmp_path):
    spec = spec_of(tmp_path, ORG)
    assert spec.identity_center is None
    assert expand_assignments(spec) == {} == spec.identity_center_assignments()
    assert assignments_for_ou(spec, "Workloads") == ()


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        (
            "region: eu-west-1",
            "region: eu-wset-1",
            "org.yaml:8: identity_center.region: 'eu-wset-1' is not an AWS region (did you mean 'eu-west-1'?)",
        ),
        (
            "region: eu-west-1",
            "region: eu-west-1\n  assignment_stacks: 0",
            "org.yaml:9: identity_center.assignment_stacks: 0 is too small: the least allowed is 1",
        ),
        (
            "    ReadOnly:\n",
            "    Read Only: {}\n    ReadOnly:\n",
            "org.yaml:18: identity_center.permission_sets.Read Only: permission set name 'Read Only' must be 1-32 letters, digits and"
            " + = , . @ _ - (AWS's CreatePermissionSet): it has 9 characters, and ' ' cannot be in it",
        ),
        (
            "    ReadOnly:\n",
            f"    {'R' * 33}: {{}}\n    ReadOnly:\n",
            f"org.yaml:18: identity_center.permission_sets.{'R' * 33}: permission set name '{'R' * 33}' must be 1-32 letters, digits"
            " and + = , . @ _ - (AWS's CreatePermissionSet): it has 33 characters",
        ),
        (
            "description: Full administration, for the platform team.",
            f"description: {'x' * 701}",
            "org.yaml:11: identity_center.permission_sets.PlatformAdmin.description: 701 characters; AWS allows at most 700",
        ),
        (
            "managed_policies: [AdministratorAccess]",
            "managed_policies: [AdministratorAcess]",
            "org.yaml:12: identity_center.permission_sets.PlatformAdmin.managed_policies.0: 'AdministratorAcess' is not an AWS managed"
            " policy (did you mean 'AdministratorAccess'?); give its name (AdministratorAccess, job-function/Billing) or a full ARN",
        ),
        (
            "managed_policies: [AdministratorAccess]",
            "managed_policies: ['arn:aws:iam::123456789012:policy/team/deploy']",
            "org.yaml:12: identity_center.permission_sets.PlatformAdmin.managed_policies.0: 'arn:aws:iam::123456789012:policy/team/deploy'"
            " is not an AWS managed policy: a permission set takes customer managed policies by name and path, as they exist in each"
            " account it is assigned in; write customer_managed_policies: [{name: deploy, path: /}]",
        ),
        (
            "managed_policies: [AdministratorAccess]",
            "managed_policies: [AdministratorAccess, AdministratorAccess]",
            "org.yaml:12: identity_center.permission_sets.PlatformAdmin.managed_policies: 'AdministratorAccess' is listed 2 times;"
            " list it once",
        ),
        (
            "path: /boundaries/}",
            "path: boundaries}",
            "org.yaml:13: identity_center.permission_sets.PlatformAdmin.customer_managed_policies.0.path: 'boundaries' must be '/' or"
            " a path of names (letters, digits and . , + @ = _ -) that starts and ends with '/', like '/boundaries/'",
        ),
        (
            "customer_managed_policies: [{name: workload-boundary, path: /boundaries/}]",
            "customer_managed_policies: [{name: workload-boundary, path: /boundaries/}, {name: workload-boundary, path: /boundaries/}]",
            "org.yaml:13: identity_center.permission_sets.PlatformAdmin.customer_managed_policies: {name: workload-boundary, path:"
            " /boundaries/} is listed 2 times; list it once",
        ),
        (
            "inline_policy: policies/identity-center/admin.json",
            "inline_policy: policies/identity-center/missing.json",
            "org.yaml:14: identity_center.permission_sets.PlatformAdmin.inline_policy: policy file"
            " 'policies/identity-center/missing.json' not found (looked in {tmp}/policies/identity-center)",
        ),
        (
            "permissions_boundary: {customer_managed_policy: {name: workload-boundary}}",
            "permissions_boundary: {customer_managed_policy: {name: workload-boundary}, managed_policy: PowerUserAccess}",
            "org.yaml:15: identity_center.permission_sets.PlatformAdmin.permissions_boundary: a permissions boundary is one policy: give"
            " managed_policy (an AWS managed policy, like PowerUserAccess) or customer_managed_policy ({name: ..., path: /}), not both",
        ),
        (
            "session_hours: 4",
            "session_hours: 13",
            "org.yaml:16: identity_center.permission_sets.PlatformAdmin.session_hours: session_hours 13 is outside AWS's range 1-12",
        ),
        (
            "session_hours: 4",
            "session_hours: 0",
            "org.yaml:16: identity_center.permission_sets.PlatformAdmin.session_hours: session_hours 0 is outside AWS's range 1-12",
        ),
        (
            "relay_state: https://console.aws.amazon.com/console/home?region=eu-west-1#",
            "relay_state: https://console.aws.amazon.com/<home>",
            "org.yaml:17: identity_center.permission_sets.PlatformAdmin.relay_state: relay_state cannot hold '<' '>': AWS takes a"
            " console URL of letters, digits, spaces and & $ @ # \\ / % ? = ~ - _ ' \" | ! : , . ; * + [ ] ( ) { } (percent-encode"
            " the rest)",
        ),
        (
            "relay_state: https://console.aws.amazon.com/console/home?region=eu-west-1#",
            f"relay_state: https://{'a' * 240}",
            "org.yaml:17: identity_center.permission_sets.PlatformAdmin.relay_state: relay_state is 248 characters; AWS accepts 1-240",
        ),
        (
            "      session_hours: 4",
            "      session_hours: 4\n      colour: blue",
            "org.yaml:17: identity_center.permission_sets.PlatformAdmin.colour: unknown key 'colour'; expected one of:"
            " customer_managed_policies, description, inline_policy, managed_policies, permissions_boundary, relay_state, session_hours",
        ),
        (
            "    - group: Platform\n",
            "    - group: ' Platform'\n",
            "org.yaml:22: identity_center.assignments.0.group: group ' Platform': give the Identity Center group's display name,"
            " without spaces around it",
        ),
        (
            "      targets: [audit]",
            "      targets: []",
            "org.yaml:30: identity_center.assignments.2.targets: an empty list; at least 1 belongs here (Root (every member account),"
            " OU paths (every account below, including ones added later), account keys, or 'management' (the management account))",
        ),
        (
            "      targets: [audit]",
            "      targets: [audit, audit]",
            "org.yaml:30: identity_center.assignments.2.targets: 'audit' is listed 2 times; list it once",
        ),
    ],
    ids=lambda value: value[:40] if isinstance(value, str) else None,
)
def test_each_bad_field_is_refused_at_its_line_with_what_is_right(tmp_path, before, after, message):
    assert found(tmp_path, before, after) == [message.replace("{tmp}", str(tmp_path.resolve()))]


def test_an_assignment_names_a_declared_permission_set_with_a_suggestion(tmp_path):
    assert found(tmp_path, "permission_set: PlatformAdmin", "permission_set: PlatformAdmn") == [
        "org.yaml:23: identity_center.assignments.0.permission_set: permission set 'PlatformAdmn' is not declared (did you mean"
        " 'PlatformAdmin'?) (declared: PlatformAdmin, ReadOnly); give a key of identity_center.permission_sets"
    ]


@pytest.mark.parametrize(
    ("target", "suggestion"),
    [
        ("Workloadz", " (did you mean 'Workloads'?)"),
        ("managment", " (did you mean 'management'?)"),
        ("shop-prd", " (did you mean 'shop-prod'?)"),
    ],
)
def test_a_target_is_root_an_ou_an_account_or_management_with_a_suggestion(tmp_path, target, suggestion):
    assert found(tmp_path, "targets: [audit]", f"targets: [{target}]") == [
        f"org.yaml:30: identity_center.assignments.2.targets.0: target '{target}' is neither Root, a declared OU path, an account key"
        f" nor 'management'{suggestion}"
    ]


def test_management_is_a_target_of_assignments_only(tmp_path):
    text = (
        ORG + CENTER + "policies:\n  deny:\n    type: SERVICE_CONTROL_POLICY\n    document: policies/deny.json\n    targets: [management]\n"
    )
    text = text.replace("emulator_only: true\n", "emulator_only: true\norganization: {policy_types: [SERVICE_CONTROL_POLICY]}\n")
    assert problems(tmp_path, text, FILES) == [
        "org.yaml:36: policies.deny.targets.0: target 'management' is neither Root, a declared OU path nor an account key"
    ]


def test_an_account_keyed_management_would_be_ambiguous(tmp_path):
    text = (ORG + CENTER).replace("  audit: {", "  management: {name: Mgmt, email: m@example.com, ou: Sandbox}\n  audit: {")
    assert problems(tmp_path, text, FILES) == [
        "org.yaml:25: identity_center.assignments.0.targets.1: 'management' names the management account in assignments, and an"
        " account has that key too: rename the account"
    ]


def test_an_unmanaged_account_is_not_a_target(tmp_path):
    text = ORG + CENTER.replace("targets: [audit]", "targets: [old]")
    text += "unmanaged:\n  accounts:\n    old: {id: '333333333333', name: Old, email: old@example.com, ou: Sandbox, why: not active}\n"
    assert problems(tmp_path, text, FILES) == [
        "org.yaml:30: identity_center.assignments.2.targets.0: account 'old' is unmanaged: orgboot assigns permission sets only in"
        " accounts it manages (move it to accounts, or assign it outside orgboot)"
    ]


def test_a_broken_permission_set_is_reported_once_not_at_every_assignment(tmp_path):
    """The partial spec drops the broken set, then the assignments that name it: one problem, no crash."""
    assert found(tmp_path, "session_hours: 4", "session_hours: many") == [
        "org.yaml:16: identity_center.permission_sets.PlatformAdmin.session_hours: 'many' is not a whole number"
    ]


def test_assignments_expand_over_root_ous_accounts_and_management(tmp_path):
    spec = spec_of(tmp_path)
    platform, developers, auditors = ("Platform", "PlatformAdmin"), ("Developers", "ReadOnly"), ("Auditors", "ReadOnly")
    expected = {
        "audit": (auditors, platform),  # Root, and the account itself
        MANAGEMENT: (platform,),  # only where named: Root's member accounts leave it out
        "shop-dev": (developers, platform),
        "shop-prod": (developers, platform),  # Workloads and shop-prod both reach it: once
    }
    assert expand_assignments(spec) == expected == spec.identity_center_assignments()
    assert list(expand_assignments(spec)) == sorted(expected)
    assert accounts_reached(spec, ("Workloads/Prod",)) == ("shop-prod",)
    assert accounts_reached(spec, ("Sandbox",)) == ()


def test_an_account_added_later_to_an_ou_gets_what_its_ou_and_root_are_assigned(tmp_path):
    spec = spec_of(tmp_path)
    assert assignments_for_ou(spec, "Workloads/Dev") == (("Developers", "ReadOnly"), ("Platform", "PlatformAdmin"))
    assert assignments_for_ou(spec, "Sandbox") == (("Platform", "PlatformAdmin"),)  # not audit's: named by account
    added = (ORG + CENTER).replace("  audit: {", "  shop-test: {name: Shop Test, email: t@example.com, ou: Workloads/Dev}\n  audit: {")
    assert expand_assignments(spec_of(tmp_path, added))["shop-test"] == assignments_for_ou(spec, "Workloads/Dev")


def test_the_provisioned_roles_match_the_exemption_pattern_in_every_region():
    pattern = aws.role_arn_pattern("PlatformAdmin")
    for region in ("us-east-1", "eu-west-1"):
        arn = aws.role_arn("222222222222", "PlatformAdmin", "0123456789abcdef", region)
        assert arn_like(pattern, arn)
        assert not arn_like(aws.role_arn_pattern("ReadOnly"), arn)
        assert aws.permission_set_of_role(arn.rpartition("/")[2]) == "PlatformAdmin"
    assert aws.role_path("us-east-1") == "/aws-reserved/sso.amazonaws.com/"
    assert aws.role_path("eu-west-1") == "/aws-reserved/sso.amazonaws.com/eu-west-1/"
    assert aws.role_name("Admin_Old", "0123456789abcdef") == "AWSReservedSSO_Admin_Old_0123456789abcdef"
    assert aws.permission_set_of_role("AWSReservedSSO_Admin_Old_0123456789abcdef") == "Admin_Old"
    assert aws.permission_set_of_role("OrganizationAccountAccessRole") is None
    # the longest permission set name still makes a role name IAM accepts (64 characters)
    assert len(aws.role_name("P" * aws.PERMISSION_SET_NAME_MAX, "0" * aws.ROLE_SUFFIX_LENGTH)) == 64


@pytest.mark.parametrize(("hours", "duration"), [(1, "PT1H"), (12, "PT12H")])
def test_session_duration_is_iso_8601_hours(hours, duration):
    assert aws.session_duration(hours) == duration


def test_session_duration_outside_the_range_is_refused():
    with pytest.raises(ValueError, match="outside AWS's range 1-12"):
        aws.session_duration(13)


def test_logical_ids_are_stable_safe_and_apart():
    assert logical_ids.permission_set("PlatformAdmin") == "PermissionSetPlatformAdmin"
    names = ["Admin.Read", "Admin-Read", "admin-read", "AdminRead", "Admin_Read", "Admin@Read", "a", "A"]
    ids = [logical_ids.permission_set(name) for name in names]
    assert len(set(ids)) == len(names)
    assert all(i.isalnum() and len(i) <= 255 for i in ids)
    triples = [("shop-prod", "Platform", "Admin"), ("shop-prod", "Platform Team", "Admin"), ("shop-prod", "PlatformTeam", "Admin")]
    assignment_ids = [logical_ids.assignment(*triple) for triple in triples]
    assert len(set(assignment_ids)) == len(triples)
    assert assignment_ids[0] == logical_ids.assignment("shop-prod", "Platform", "Admin")  # stable: pinned from the triple
    longest = logical_ids.assignment("a" * 64, "G" * 1024, "P" * 32)
    assert longest.isalnum()
    assert len(longest) <= 255


def test_assignments_spread_over_stacks_by_the_account_key():
    assert assignment_stack("shop-prod", None) == ASSIGNMENTS_STACK == "IdentityCenterAssignments"
    assert assignment_stack_names(None) == [ASSIGNMENTS_STACK]
    assert assignment_stack_names(3) == ["IdentityCenterAssignments01", "IdentityCenterAssignments02", "IdentityCenterAssignments03"]
    keys = [f"account-{n}" for n in range(300)]
    stacks = {assignment_stack(key, 3) for key in keys}
    assert stacks == set(assignment_stack_names(3))  # every stack used
    assert all(assignment_stack(key, 3) == assignment_stack(key, 3) for key in keys)


def test_the_json_schema_takes_identity_center(validator, tmp_path):  # noqa: F811
    path = write(tmp_path, ORG + CENTER, FILES)
    assert schema_problems(validator, parse_yaml(path.read_text(), str(path)).data) == []
    for before, after in [
        ("region: eu-west-1", "regions: eu-west-1"),
        ("session_hours: 4", "session_hours: 13"),
        ("    ReadOnly:\n", "    Read Only:\n"),
        ("      targets: [audit]", "      targets: []"),
        ("permissions_boundary: {managed_policy: PowerUserAccess}", "permissions_boundary: {policy: PowerUserAccess}"),
        ("relay_state: https://console.aws.amazon.com/console/home?region=eu-west-1#", "relay_state: <home>"),
    ]:
        text = (ORG + CENTER).replace(before, after)
        assert schema_problems(validator, parse_yaml(text, str(path)).data) != [], after
