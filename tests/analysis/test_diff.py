"""The semantic diff (orgboot diff): each kind of edit to the example, and what it is reported as.
Every case names the changes it must produce and exactly which of them are dangerous."""

import pytest

from orgboot.analysis.diff import acknowledged, diff, statement_diff
from tests.conftest import iam_groups_variant


def _account(data, key, ou, **more):
    data["accounts"][key] = {"name": key.title(), "email": f"aws+{key}@example.com", "ou": ou, **more}


def _admins(data):
    return data["management_baseline"]["groups"]["Admins"]


def _rename_sandbox(data, entry):
    """Sandbox, its account and what refers to it renamed to Playground; `entry` is its new entry."""
    data["organizational_units"][4] = entry
    data["accounts"]["sandbox-alice"].update(ou="Playground")
    _admins(data)["may_assume"][1].update(ous=["Workloads", "Playground"])
    data["member_roles"]["catalogue"]["Admin"].update(targets=["Security", "Infrastructure", "Workloads", "Playground"])
    for use in (data["policies"]["require-imdsv2"], data["guardrails"]["deny-root-user"]):
        use["targets"] = [("Playground" if target == "Sandbox" else target) for target in use["targets"]]


def _sandbox_guarded(data):
    """The example with a written SCP and a guardrail on Sandbox too."""
    for use in (data["policies"]["require-imdsv2"], data["guardrails"]["deny-root-user"]):
        use["targets"] = [*use["targets"], "Sandbox"]


CASES = {
    "account added": (lambda d: _account(d, "shop-qa", "Workloads/Dev"), {"account-added:shop-qa"}, set()),
    "account released": (
        lambda d: (d["accounts"].pop("sandbox-alice"), d.update(released_accounts=["sandbox-alice"])),
        {"account-leaving:sandbox-alice"},
        {"account-leaving:sandbox-alice"},
    ),
    "account moved": (lambda d: d["accounts"]["shop-dev"].update(ou="Workloads/Prod"), {"account-moved:shop-dev"}, set()),
    "account tags": (lambda d: d["accounts"]["shop-dev"]["tags"].update(environment="test"), {"account-changed:shop-dev"}, set()),
    "OU added": (lambda d: d["organizational_units"].append("Workloads/Test"), {"ou-added:Workloads/Test"}, set()),
    "empty OU removed": (
        lambda d: (d["organizational_units"].remove("Suspended"), d["guardrails"].pop("quarantine")),
        {"ou-removed:Suspended"},
        {"guardrail-detached:quarantine@Suspended"},
    ),
    "OU renamed without a key, with its account": (  # a new identity: a new OU replaces it
        lambda d: _rename_sandbox(d, "Playground"),
        {"ou-replaced:Sandbox"},
        set(),
    ),
    "OU renamed with a key, with its account": (  # the same identity: the same OU, renamed in place
        lambda d: _rename_sandbox(d, {"Playground": {"key": "Sandbox"}}),
        {"ou-renamed:Sandbox"},
        set(),
    ),
    "OU moved": (
        lambda d: (
            d["organizational_units"].__setitem__(4, "Workloads/Sandbox"),
            d["accounts"]["sandbox-alice"].update(ou="Workloads/Sandbox"),
            _admins(d)["may_assume"][1].update(ous=["Workloads"]),
            d["member_roles"]["catalogue"]["Admin"]["targets"].remove("Sandbox"),
        ),
        {"ou-moved:Sandbox"},
        set(),
    ),
    "SCP detached": (
        lambda d: d["policies"]["require-imdsv2"].update(targets=["Workloads/Prod"]),
        {"policy-attached:require-imdsv2@Workloads/Prod", "guardrail-detached:require-imdsv2@Workloads"},
        {"guardrail-detached:require-imdsv2@Workloads"},
    ),
    "SCP removed": (
        lambda d: d["policies"].pop("require-imdsv2"),
        {"policy-removed:require-imdsv2"},
        {"guardrail-detached:require-imdsv2@Workloads"},
    ),
    "tag policy detached": (
        lambda d: d["policies"]["cost-center-tag"].update(targets=["Workloads/Prod"]),
        {"policy-detached:cost-center-tag@Workloads"},
        set(),
    ),
    "SCP becomes a tag policy": (
        lambda d: d["policies"]["require-imdsv2"].update(type="TAG_POLICY", document=d["policies"]["cost-center-tag"]["document"]),
        {"policy-replaced:require-imdsv2", "policy-attached:require-imdsv2@Workloads"},
        {"guardrail-detached:require-imdsv2@Workloads"},
    ),
    "policy added": (
        lambda d: d["policies"].update(imdsv2={**d["policies"]["require-imdsv2"], "targets": ["Sandbox"]}),
        {"policy-added:imdsv2"},
        set(),
    ),
    "policy description": (
        lambda d: d["policies"]["ai-opt-out"].update(description="No AI training on our data."),
        {"policy-changed:ai-opt-out.description"},
        set(),
    ),
    "guardrail added": (
        lambda d: d["guardrails"].update({"deny-iam-users": {"targets": ["Workloads"]}}),
        {"guardrail-added:deny-iam-users"},
        set(),
    ),
    "guardrail parameter": (
        lambda d: d["guardrails"]["region-deny"].update(allowed_regions=["eu-west-1", "us-east-1", "eu-central-1"]),
        {"guardrail-changed:region-deny"},
        set(),
    ),
    "guardrail detached": (
        lambda d: d["guardrails"]["deny-root-user"].update(targets=["Security", "Workloads"]),
        {"guardrail-detached:deny-root-user@Infrastructure"},
        {"guardrail-detached:deny-root-user@Infrastructure"},
    ),
    "guardrail removed": (
        lambda d: d["guardrails"].pop("quarantine"),
        {"guardrail-removed:quarantine"},
        {"guardrail-detached:quarantine@Suspended"},
    ),
    "password shorter": (
        lambda d: d["management_baseline"]["password_policy"].update(minimum_length=8),
        set(),
        {"password-policy-weakened:minimum_length"},
    ),
    "password longer": (
        lambda d: d["management_baseline"]["password_policy"].update(minimum_length=20),
        {"baseline-changed:password_policy.minimum_length"},
        set(),
    ),
    "no symbols": (
        lambda d: d["management_baseline"]["password_policy"].update(require_symbols=False),
        set(),
        {"password-policy-weakened:require_symbols"},
    ),
    "passwords never expire": (
        lambda d: d["management_baseline"]["password_policy"].update(max_age_days=None),
        set(),
        {"password-policy-weakened:max_age_days"},
    ),
    "passwords expire sooner": (
        lambda d: d["management_baseline"]["password_policy"].update(max_age_days=60),
        {"baseline-changed:password_policy.max_age_days"},
        set(),
    ),
    "less reuse prevention": (
        lambda d: d["management_baseline"]["password_policy"].update(reuse_prevention=5),
        set(),
        {"password-policy-weakened:reuse_prevention"},
    ),
    "alias": (lambda d: d["management_baseline"].update(account_alias="acme-root"), {"baseline-changed:account_alias"}, set()),
    "security contact": (
        lambda d: d["security_baseline"]["alternate_contacts"]["default"]["security"].update(phone="+1 206 555 0199"),
        {"security-baseline-changed:alternate_contacts.default.security.phone"},
        set(),
    ),
    "security hub off": (
        lambda d: d["security_baseline"].pop("security_hub"),
        {"security-baseline-changed:security_hub.standards", "security-baseline-changed:security_hub.home_region"},
        set(),
    ),
    "admin grant widened": (
        lambda d: _admins(d)["may_assume"][1].update(ous=["Workloads", "Sandbox", "Security"]),
        {"baseline-changed:groups.Admins.may_assume[1].ous"},
        {"admin-access-widened:Admins/Admin"},
    ),
    "read-only grant widened": (
        lambda d: d["management_baseline"]["groups"]["Billing"].update(may_assume=[{"role": "ReadOnly"}]),
        {"access-widened:Billing/ReadOnly"},
        set(),
    ),
    "group becomes administrator": (  # and AdministratorAccess lets it assume the roles of the management account too
        lambda d: d["management_baseline"]["groups"]["Auditors"].update(managed_policies=["AdministratorAccess"]),
        {"access-widened:Auditors/AWSSupport"},
        {"admin-access-widened:groups.Auditors.managed_policies", "admin-access-widened:Auditors/ManagementAdmin"},
    ),
    "group may assume the administrator role": (
        lambda d: d["management_baseline"]["admin_role"]["assumable_by"].append("Auditors"),
        {"baseline-changed:admin_role.assumable_by"},
        {"admin-access-widened:Auditors/ManagementAdmin"},
    ),
    "account renamed as its access narrows": (  # accounts are followed by key, not by name
        lambda d: (
            d["accounts"]["shop-dev"].update(name="Shop Development"),
            _admins(d)["may_assume"][1].update(ous=["Workloads/Prod", "Sandbox"]),
        ),
        {"account-changed:shop-dev", "access-narrowed:Admins/Admin"},
        {"admin-path-lost:shop-dev"},  # only break-glass is left there
    ),
    "grant narrowed": (
        lambda d: _admins(d)["may_assume"][1].update(ous=["Workloads"]),
        {"access-narrowed:Admins/Admin"},
        {"admin-path-lost:sandbox-alice"},  # only break-glass is left there
    ),
    "group loses every grant": (
        lambda d: d["management_baseline"]["groups"]["Auditors"].pop("may_assume"),
        {"access-narrowed:Auditors/ReadOnly"},
        {"access-lost:Auditors"},
    ),
    "role added": (
        lambda d: d["member_roles"]["catalogue"].update(Billing={"managed_policies": ["job-function/Billing"], "targets": ["Root"]}),
        {"role-added:Billing"},
        set(),
    ),
    "role changed": (
        lambda d: d["member_roles"]["catalogue"]["ReadOnly"].update(max_session_hours=8),
        {"role-changed:catalogue.ReadOnly.max_session_hours"},
        set(),
    ),
    "role removed": (
        lambda d: (
            d["member_roles"]["catalogue"].pop("ExternalAudit"),
            d["guardrails"]["data-perimeter-identities"].update(targets=["Root"]),
        ),
        {"role-removed:ExternalAudit", "guardrail-changed:data-perimeter-identities"},
        set(),
    ),
}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return iam_groups_variant(tmp_path_factory.mktemp("base"), lambda data: None)


@pytest.mark.parametrize("case", CASES)
def test_each_edit_is_reported_in_the_organizations_terms(case, base, tmp_path):
    edit, expected, dangerous = CASES[case]
    head = iam_groups_variant(tmp_path, edit)
    found = diff(base, head)
    ids = {change.id for change in found.changes}
    assert expected | dangerous <= ids
    assert {change.id for change in found.dangerous} == dangerous
    assert [change.dangerous for change in found.changes] == sorted((c.dangerous for c in found.changes), reverse=True)


def test_an_unchanged_spec_has_no_changes(base, iam_groups_spec):
    assert diff(base, iam_groups_spec).changes == ()


def test_a_renamed_ou_is_drawn_as_moved_and_a_released_account_as_removed(base, tmp_path):
    def edit(data):
        data["organizational_units"][4] = "Workloads/Sandbox"
        data["accounts"]["sandbox-alice"]["ou"] = "Workloads/Sandbox"
        _admins(data)["may_assume"][1]["ous"] = ["Workloads"]
        data["member_roles"]["catalogue"]["Admin"]["targets"].remove("Sandbox")
        data["accounts"].pop("shop-dev")
        data["released_accounts"] = ["shop-dev"]
        _account(data, "shop-qa", "Workloads/Dev")

    marks = diff(base, iam_groups_variant(tmp_path, edit)).marks
    assert marks.moved == {"Workloads/Sandbox"}
    assert marks.added == {"shop-qa"}
    assert dict(marks.removed_accounts) == {"shop-dev": ("Workloads/Dev", "Shop Dev")}
    assert marks.removed_ous == ()


def test_acknowledgements_match_by_id_or_by_kind(base, tmp_path):
    def edit(data):
        data["guardrails"].pop("quarantine")
        data["management_baseline"]["password_policy"]["minimum_length"] = 8

    changes = diff(base, iam_groups_variant(tmp_path, edit)).changes
    assert acknowledged(changes, {"guardrail-detached:quarantine@Suspended": "retired OU"}) == {
        "guardrail-detached:quarantine@Suspended": "retired OU"
    }
    assert acknowledged(changes, {"password-policy-weakened": ""}) == {"password-policy-weakened:minimum_length": ""}
    assert acknowledged(changes, {"guardrail-detached:quarantine@Workloads": ""}) == {}


def test_statement_diff_pairs_statements_by_sid():
    before = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "A", "Effect": "Deny", "Action": "s3:*"}, {"Sid": "B", "Effect": "Deny", "Action": "ec2:*"}],
    }
    after = {"Version": "2012-10-17", "Statement": [{"Sid": "B", "Effect": "Deny", "Action": "ec2:RunInstances"}]}
    text = statement_diff(before, after)
    assert "--- A\n+++ A" in text
    assert '-  "Action": "s3:*"' in text
    assert "--- B\n+++ B" in text
    assert '-  "Action": "ec2:*"\n' in text
    assert '+  "Action": "ec2:RunInstances"' in text
    assert "Version" not in text


@pytest.fixture(scope="module")
def guarded_base(tmp_path_factory):
    return iam_groups_variant(tmp_path_factory.mktemp("guarded"), _sandbox_guarded)


def test_policies_that_follow_an_ou_renamed_in_place_stay_attached(guarded_base, tmp_path):
    """The OU keeps its identity (its key): its policies' targets are the same OU, whatever its
    path now, and its account is where it was."""
    head = iam_groups_variant(tmp_path, lambda d: (_sandbox_guarded(d), _rename_sandbox(d, {"Playground": {"key": "Sandbox"}})))
    found = diff(guarded_base, head)
    ous = [change for change in found.changes if change.section == "Organizational units"]
    assert [(change.id, change.summary) for change in ous] == [
        ("ou-renamed:Sandbox", "`Sandbox` is renamed to `Playground`: the same OU, its accounts and policies stay")
    ]
    ids = {change.id for change in found.changes}
    assert not {i for i in ids if "-attached:" in i or "-detached:" in i or i.startswith("account-moved")}, ids
    assert found.dangerous == ()
    assert found.marks.moved == {"Playground"}


def test_policies_on_an_ou_renamed_without_a_key_are_detached_from_the_old_one(guarded_base, tmp_path):
    head = iam_groups_variant(tmp_path, lambda d: (_sandbox_guarded(d), _rename_sandbox(d, "Playground")))
    found = diff(guarded_base, head)
    assert {change.id for change in found.dangerous} == {
        "guardrail-detached:require-imdsv2@Sandbox",
        "guardrail-detached:deny-root-user@Sandbox",
    }
    (replaced,) = [change for change in found.changes if change.kind == "ou-replaced"]
    assert (
        replaced.summary == "`Sandbox` is replaced by a new OU `Playground` (to rename it in place, write `- Playground: {key: Sandbox}`)"
    )


def _rename_workloads(data, entry=None):
    """Workloads renamed to Apps in place (its key keeps it), with everything that names it or its children."""
    data["organizational_units"] = [entry or {"Apps": {"key": "Workloads"}}] + [
        path.replace("Workloads", "Apps") for path in data["organizational_units"]
    ]

    def renamed(paths):
        return [path.replace("Workloads", "Apps") for path in paths]

    for account in data["accounts"].values():
        account["ou"] = account["ou"].replace("Workloads", "Apps")
    for use in (*data["policies"].values(), *data["guardrails"].values(), *data["member_roles"]["catalogue"].values()):
        use["targets"] = renamed(use["targets"])
    for group in data["management_baseline"]["groups"].values():
        for grant in (*group.get("may_assume", ()), *group.get("break_glass", ())):
            if "ous" in grant:
                grant["ous"] = renamed(grant["ous"])
    contacts = data["security_baseline"]["alternate_contacts"]
    contacts["ous"] = {path.replace("Workloads", "Apps"): types for path, types in contacts["ous"].items()}


def _break_glass_in_workloads(data):
    data["management_baseline"]["groups"]["BreakGlass"]["break_glass"][0]["ous"] = ["Workloads/Prod"]


@pytest.fixture(scope="module")
def keyed_base(tmp_path_factory):
    """The example with Workloads keyed by its name (the same identity) and a break-glass grant naming Workloads/Prod."""
    return iam_groups_variant(
        tmp_path_factory.mktemp("keyed"),
        lambda d: (d["organizational_units"].insert(0, {"Workloads": {"key": "Workloads"}}), _break_glass_in_workloads(d)),
    )


def test_lists_that_name_an_ou_renamed_in_place_do_not_change(keyed_base, tmp_path):
    """Member roles' targets and groups' may_assume and break_glass OUs name the OU by path: after a
    rename in place they name the same OUs, and the only change is the rename."""
    head = iam_groups_variant(tmp_path, lambda d: (_break_glass_in_workloads(d), _rename_workloads(d)))
    found = diff(keyed_base, head)
    assert [change.id for change in found.changes] == ["ou-renamed:Workloads"]


def test_a_real_change_to_those_lists_in_a_rename_is_still_reported(keyed_base, tmp_path):
    def edit(data):
        _break_glass_in_workloads(data)
        _rename_workloads(data)
        data["member_roles"]["catalogue"]["ExternalAudit"]["targets"] = ["Security"]
        _admins(data)["may_assume"][1]["ous"] = ["Apps/Prod", "Sandbox"]
        data["management_baseline"]["groups"]["BreakGlass"]["break_glass"][0]["ous"] = ["Apps/Dev"]

    found = diff(keyed_base, iam_groups_variant(tmp_path, edit))
    summaries = {change.id: change.summary for change in found.changes}
    assert summaries["role-changed:catalogue.ExternalAudit.targets"] == (
        "`member_roles.catalogue.ExternalAudit.targets`: [Security, Workloads/Prod] → [Security]"
    )
    assert summaries["baseline-changed:groups.Admins.may_assume[1].ous"] == (
        "`management_baseline.groups.Admins.may_assume[1].ous`: [Workloads, Sandbox] → [Apps/Prod, Sandbox]"
    )
    assert summaries["baseline-changed:groups.BreakGlass.break_glass[0].ous"] == (
        "`management_baseline.groups.BreakGlass.break_glass[0].ous`: [Workloads/Prod] → [Apps/Dev]"
    )


def test_a_key_added_to_an_ou_that_keeps_its_path_suggests_no_key(base, tmp_path):
    """The path stays and the identity changes: no rename to suggest a key for (the change rules refuse it)."""
    head = iam_groups_variant(tmp_path, lambda d: d["organizational_units"].__setitem__(3, {"Workloads/Dev": {"key": "Development"}}))
    (change,) = diff(base, head).changes
    assert (change.id, change.summary) == (
        "ou-replaced:Workloads/Dev",
        "`Workloads/Dev` keeps its path but its identity changes to `Workloads/Development`: a second OU of the same name,"
        " which AWS refuses (see the refused changes)",
    )
