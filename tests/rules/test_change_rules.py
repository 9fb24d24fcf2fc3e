"""Account-loss protection: the change from a base spec, refused where AWS would close, orphan,
replace or fail to update an account (validate --base)."""

import json
import random

import pytest
import yaml

from bench.generate import generate
from orgboot.rules import load_change, load_spec
from orgboot.spec import SpecError, logical_ids
from tests.conftest import synth
from tests.spec.test_loader import BASE, write

HEAD = BASE + "  shop-dev: {name: Shop Dev, email: dev@example.com, ou: Workloads/Prod}\n"


def change(tmp_path, base_text, head_text, acknowledged=()):
    (tmp_path / "base").mkdir(parents=True)
    (tmp_path / "head").mkdir()
    base = write(tmp_path / "base", base_text)
    head = write(tmp_path / "head", head_text)
    try:
        _, accepted = load_change(head, base, acknowledged)
    except SpecError as error:
        return [str(p).replace(str(head), "org.yaml") for p in error.problems]
    return [f"accepted: {str(p).replace(str(head), 'org.yaml')}" for p in accepted]


def test_an_unchanged_spec_passes(tmp_path):
    assert change(tmp_path, HEAD, HEAD) == []


def test_removing_an_account_needs_a_release(tmp_path):
    assert change(tmp_path, HEAD, BASE) == [
        "org.yaml:5: accounts: account 'shop-dev' (Shop Dev) is no longer declared: CloudFormation would remove it from its"
        " stack. The account stays open in the organization (Retain) but nothing manages it any more. To stop managing it,"
        " list it under released_accounts; to keep it, put it back"
    ]


def test_a_released_account_may_go(tmp_path):
    assert change(tmp_path, HEAD, BASE + "released_accounts: [shop-dev]\n") == []


def test_a_released_account_cannot_stay_declared(tmp_path):
    with pytest.raises(SpecError, match="account 'shop-dev' is both declared under accounts and released"):
        load_spec(write(tmp_path, HEAD + "released_accounts: [shop-dev]\n"))


@pytest.mark.parametrize(
    ("edit", "key", "was"),
    [
        (("name: Shop Dev", "name: Shop Development"), "name", "'Shop Dev'"),
        (("email: dev@example.com", "email: dev2@example.com"), "email", "'dev@example.com'"),
        (
            ("ou: Workloads/Prod}\n", "ou: Workloads/Prod, role_name: OrganizationAccountAccessRole}\n"),
            "role_name",
            "not given (OrganizationAccountAccessRole)",
        ),
    ],
)
def test_name_email_and_role_name_stay(tmp_path, edit, key, was):
    head = HEAD.replace(
        "  shop-dev: {name: Shop Dev, email: dev@example.com, ou: Workloads/Prod}\n",
        "  shop-dev: {name: Shop Dev, email: dev@example.com, ou: Workloads/Prod}\n".replace(*edit),
    )
    (found,) = change(tmp_path, HEAD, head)
    assert found.startswith(
        f"org.yaml:7: accounts.shop-dev.{key}: was {was}: CloudFormation cannot change an account's name, email or role name"
    )


def test_renaming_an_ou_that_holds_accounts(tmp_path):
    head = HEAD.replace("Workloads/Prod", "Workloads/Production")
    (found,) = change(tmp_path, HEAD, head)
    assert found.startswith(
        "org.yaml:4: organizational_units: OU 'Workloads/Prod' is gone but held account 'shop-dev', account 'shop-prod':"
    )
    assert change(tmp_path / "again", HEAD, head, ["allow_ou_replacement"])[0].startswith(
        "accepted: org.yaml:4: organizational_units: OU 'Workloads/Prod'"
    )


def test_removing_an_empty_ou_passes(tmp_path):
    assert change(tmp_path, HEAD.replace("[Workloads/Prod, Security]", "[Workloads/Prod, Security, Sandbox]"), HEAD) == []


def account_resources(assembly):
    found = {}
    for path in assembly.glob("*.template.json"):
        for logical_id, resource in json.loads(path.read_text())["Resources"].items():
            if resource["Type"] == "AWS::Organizations::Account":
                found[logical_id] = (path.name, resource.get("DeletionPolicy"), resource.get("UpdateReplacePolicy"))
    return found


def edits(rng):
    def reorder(d):
        d["accounts"] = dict(rng.sample(list(d["accounts"].items()), len(d["accounts"])))

    def add(d):
        d["accounts"]["joiner"] = {"name": "Joiner", "email": "joiner@example.com", "ou": rng.choice(d["organizational_units"])}

    def remove(d):
        del d["accounts"][rng.choice(list(d["accounts"]))]

    def release(d):
        key = rng.choice(list(d["accounts"]))
        del d["accounts"][key]
        d["released_accounts"] = [key]

    def rename_key(d):
        key = rng.choice(list(d["accounts"]))
        d["accounts"][key + "-x"] = d["accounts"].pop(key)

    def rename_account(d):
        rng.choice(list(d["accounts"].values()))["name"] += " X"

    def move(d):
        rng.choice(list(d["accounts"].values()))["ou"] = rng.choice(d["organizational_units"])

    def rename_ou(d):
        old = rng.choice([a["ou"] for a in d["accounts"].values()])
        d["organizational_units"] = [p.replace(old, old + "X") for p in d["organizational_units"]]
        for account in d["accounts"].values():
            account["ou"] = account["ou"].replace(old, old + "X")

    def spread(d):
        d["organization"]["account_stacks"] = 2

    return [reorder, add, remove, release, rename_key, rename_account, move, rename_ou, spread]


def test_no_account_loses_its_identity_or_retention_without_an_error(tmp_path):
    """Generated edits: whenever validate --base passes, every account of the base keeps its
    logical ID, its stack and Retain, or was released."""
    base_file = generate(12, tmp_path / "base")
    base_accounts = account_resources(synth(load_spec(base_file), tmp_path / "base-out"))
    rng = random.Random(11)
    refused = set()
    for number, edit in enumerate(edits(rng)):
        data = yaml.safe_load(base_file.read_text())
        edit(data)
        head_file = generate(12, tmp_path / f"head-{number}")
        head_file.write_text(yaml.safe_dump(data, sort_keys=False))
        try:
            spec, _ = load_change(head_file, base_file)
        except SpecError:
            refused.add(edit.__name__)  # the protection held
            continue
        head_accounts = account_resources(synth(spec, tmp_path / f"head-{number}-out"))
        for key in yaml.safe_load(base_file.read_text())["accounts"]:
            if key in spec.released_accounts:
                continue
            lid = logical_ids.account(key)
            assert head_accounts.get(lid) == base_accounts[lid], f"{edit.__name__} passed validate but changed {lid}"
            assert base_accounts[lid][1:] == ("Retain", "Retain")
    assert refused == {"remove", "rename_key", "rename_account", "rename_ou", "spread"}


def test_a_released_key_declared_again_needs_an_import(tmp_path):
    released = BASE + "released_accounts: [shop-dev]\n"
    (found,) = change(tmp_path, released, HEAD)
    assert found.startswith("org.yaml:7: accounts.shop-dev: account 'shop-dev' was released; declaring it again would create a new account")
    assert change(tmp_path / "again", released, HEAD, ["allow_imports"])[0].startswith("accepted: ")


def test_a_new_key_with_a_taken_email(tmp_path):
    head = BASE.replace("  shop-prod:", "  shop-production:") + "released_accounts: [shop-prod]\n"
    (found,) = change(tmp_path, BASE, head)
    assert found.startswith("org.yaml:6: accounts.shop-production.email: 'shop@example.com' belongs to account 'shop-prod' of the base")


def test_an_ou_holding_spread_accounts_cannot_go_even_when_acknowledged(tmp_path):
    spread = HEAD.replace("policy_types: [SERVICE_CONTROL_POLICY]\n", "policy_types: [SERVICE_CONTROL_POLICY]\n  account_stacks: 2\n")
    head = spread.replace("Workloads/Prod", "Workloads/Production")
    found = change(tmp_path, spread, head, ["allow_ou_replacement"])
    assert len(found) == 1
    assert found[0].startswith("org.yaml:5: organizational_units: OU 'Workloads/Prod' is gone but holds 2 accounts (shop-dev, shop-prod)")


def test_the_base_is_read_as_deployed_not_under_todays_rules(tmp_path):
    """An organization too large for one stack is what a migration to account_stacks starts from."""
    many = "".join(f"  a{n:03d}: {{name: A{n:03d}, email: a{n:03d}@example.com, ou: Security}}\n" for n in range(400))
    base = BASE + many
    head = base.replace("policy_types: [SERVICE_CONTROL_POLICY]\n", "policy_types: [SERVICE_CONTROL_POLICY]\n  account_stacks: 2\n")
    found = change(tmp_path, base, head, ["allow_account_moves"])
    assert found
    assert all(line.startswith("accepted: ") for line in found)


# An empty OU that only the stacks deployed after OrganizationStack refer to: a role's StackSet
# (MemberRolesStack) and a group's grant (ManagementBaselineStack).
REFERENCED = HEAD.replace("[Workloads/Prod, Security]", "[Workloads/Prod, Security, Sandbox]") + (
    "member_roles:\n"
    "  catalogue:\n"
    "    Admin: {managed_policies: [AdministratorAccess], targets: [Security, Sandbox]}\n"
    "management_baseline:\n"
    "  groups:\n"
    "    Admins:\n"
    "      may_assume: [{role: Admin, ous: [Sandbox]}]\n"
)
UNREFERENCED = (
    HEAD
    + "member_roles:\n  catalogue:\n    Admin: {managed_policies: [AdministratorAccess], targets: [Security]}\n"
    + "management_baseline:\n  groups:\n    Admins:\n      may_assume: [{role: Admin, ous: [Security]}]\n"
)


def test_an_empty_ou_the_later_stacks_still_target_cannot_go_with_its_references(tmp_path):
    """Removing the OU and its references in one change: OrganizationStack deletes the OU before
    MemberRolesStack and ManagementBaselineStack let go of its ID (weak references)."""
    (found,) = change(tmp_path, REFERENCED, UNREFERENCED)
    assert found == (
        "org.yaml:4: organizational_units: OU 'Sandbox' is gone while what is deployed still refers to it. Still using its"
        " ID: member role 'Admin' (MemberRolesStack: its StackSet targets the OU) and the grant of 'Admin' to group 'Admins'"
        " (ManagementBaselineStack). MemberRolesStack and ManagementBaselineStack deploy after OrganizationStack, which"
        " deletes the OU first (their references to it are weak and do not stop the delete), so until they deploy in turn a"
        " StackSet targets a deleted OU, accounts moved out of it lose the role (auto-deployment removes their instances), and"
        " a grant names an OU that is gone. First remove those references from org.yaml (or point them at the OU that"
        " replaces it) and deploy, then remove the OU."
        " If you mean it, acknowledge it in org.yaml with the reason: `acknowledged_changes: {ou-replaced:Sandbox: <why>}`"
        " (or for one run: --allow-ou-replacement)"
    )
    assert change(tmp_path / "again", REFERENCED, UNREFERENCED, ["allow_ou_replacement"])[0].startswith("accepted: ")
    # In two changes, nothing to say: first the references go (the OU stays), then the OU.
    references_gone = UNREFERENCED.replace("[Workloads/Prod, Security]", "[Workloads/Prod, Security, Sandbox]")
    assert change(tmp_path / "first", REFERENCED, references_gone) == []
    assert change(tmp_path / "then", references_gone, UNREFERENCED) == []


def test_a_renamed_ou_says_what_still_targets_it(tmp_path):
    """An OU that held accounts and that a role targets, renamed with all its references: the
    replacement's finding names the later stacks too, once."""
    base = HEAD + "member_roles:\n  catalogue:\n    Admin: {managed_policies: [AdministratorAccess], targets: [Workloads/Prod]}\n"
    (found,) = change(tmp_path, base, base.replace("Workloads/Prod", "Workloads/Production"))
    assert found.startswith("org.yaml:4: organizational_units: OU 'Workloads/Prod' is gone but held account 'shop-dev'")
    assert "Still using its ID: member role 'Admin' (MemberRolesStack: its StackSet targets the OU). MemberRolesStack deploys" in found


def test_an_ou_that_keeps_a_released_account_cannot_go(tmp_path):
    """The account released in the same change stays in the OU (Retain): AWS refuses to delete an
    OU that is not empty, and no option accepts it."""
    base = HEAD.replace("[Workloads/Prod, Security]", "[Workloads/Prod, Security, Sandbox]").replace(
        "ou: Workloads/Prod}\n", "ou: Sandbox}\n", 1
    )
    head = base.replace(", Sandbox]", "]").replace("  shop-prod: {name: Shop Prod, email: shop@example.com, ou: Sandbox}\n", "")
    head += "released_accounts: [shop-prod]\n"
    found = change(tmp_path, base, head, ["allow_ou_replacement"])
    assert found == [
        "org.yaml:4: organizational_units: OU 'Sandbox' is gone but still holds account 'shop-prod' (released: it stays where"
        " it is) after this change: AWS deletes only an empty OU (OrganizationalUnitNotEmptyException), so the deploy cannot"
        " remove it. First move the account to an OU that stays (with its account key declared, or in AWS for an unmanaged"
        " one) and deploy, then remove the OU"
    ]


def test_an_ou_that_holds_an_unmanaged_account_cannot_go(tmp_path):
    base = HEAD.replace("[Workloads/Prod, Security]", "[Workloads/Prod, Security, Sandbox]") + (
        "unmanaged:\n  accounts:\n    legacy: {id: '123456789012', name: Legacy, email: legacy@example.com, ou: Sandbox, why: not active}\n"
    )
    (found,) = change(tmp_path, base, HEAD)
    assert "OU 'Sandbox' is gone but still holds account 'legacy' (unmanaged: orgboot never moves it)" in found


def test_an_ou_renamed_with_its_key_is_no_replacement(tmp_path):
    head = HEAD.replace("[Workloads/Prod, Security]", "[{Workloads/Production: {key: Prod}}, Security]").replace(
        "ou: Workloads/Prod}", "ou: Workloads/Production}"
    )
    assert change(tmp_path, HEAD, head) == []


def test_a_key_that_changes_the_identity_of_an_ou_whose_path_stays_is_refused(tmp_path):
    head = HEAD.replace("[Workloads/Prod, Security]", "[{Workloads/Prod: {key: Production}}, Security]")
    found = change(tmp_path, HEAD, head, ["allow_ou_replacement"])
    assert (
        "org.yaml:4: organizational_units.0: OU 'Workloads/Prod' keeps its path but its identity changes from 'Workloads/Prod' to"
        " 'Workloads/Production': CloudFormation would create a second OU of the same name under the same parent, which AWS"
        " refuses (DuplicateOrganizationalUnitException). An OU's identity is for good: write `- Workloads/Prod` (without a key)"
    ) in found


def test_a_rename_to_a_name_freed_in_the_same_deploy_is_refused(tmp_path):
    base = HEAD.replace("[Workloads/Prod, Security]", "[Workloads/Prod, Workloads/Old, Security]")
    head = HEAD.replace("[Workloads/Prod, Security]", "[{Workloads/Old: {key: Prod}}, Security]").replace(
        "ou: Workloads/Prod}", "ou: Workloads/Old}"
    )
    (found,) = change(tmp_path, base, head)
    assert found.startswith(
        "org.yaml:4: organizational_units.0: OU 'Workloads/Prod' is renamed to 'Workloads/Old', a name OU 'Workloads/Old' holds"
        " until this deploy deletes or renames it"
    )


@pytest.mark.parametrize("options", [(), ("allow_ou_replacement",)])
def test_a_key_added_to_an_ou_that_stays_is_refused_once_not_as_gone(tmp_path, options):
    """The path is still declared: the OU is not gone, so nothing says it is (nor suggests a key);
    only the change of identity is refused, and no option accepts it."""
    head = HEAD.replace("[Workloads/Prod, Security]", "[{Workloads/Prod: {key: Production}}, Security]")
    assert change(tmp_path, HEAD, head, options) == [
        "org.yaml:4: organizational_units.0: OU 'Workloads/Prod' keeps its path but its identity changes from 'Workloads/Prod' to"
        " 'Workloads/Production': CloudFormation would create a second OU of the same name under the same parent, which AWS"
        " refuses (DuplicateOrganizationalUnitException). An OU's identity is for good: write `- Workloads/Prod` (without a key)"
    ]
