"""`orgboot validate SPEC --base BASE`: the change from a base (a file or a git revision), refused
where each spec alone is valid but the step between them is not."""

import re
import subprocess

import yaml

from bench.generate import generate
from tests.cli.test_commands import orgboot


def with_account_stacks(spec, account_stacks):
    data = yaml.safe_load(spec.read_text())
    data["organization"]["account_stacks"] = account_stacks
    spec.write_text(yaml.safe_dump(data, sort_keys=False))


def test_accounts_moving_between_stacks_are_refused_until_acknowledged(tmp_path):
    base = generate(30, tmp_path / "base")
    head = generate(30, tmp_path / "head")
    with_account_stacks(head, 2)
    refused = orgboot("validate", str(head), "--base", str(base))
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    where = re.escape(str(head)) + r":\d+: organization.account_stacks: "
    assert re.search(where + "changing account_stacks from none to 2 moves 30 accounts to another stack:", refused.stderr)
    assert "account-00000 (OrganizationStack -> OrganizationAccounts0" in refused.stderr
    assert "and 25 more. CloudFormation would leave them unmanaged in the old stack" in refused.stderr
    accepted = orgboot("validate", str(head), "--base", str(base), "--allow-account-moves")
    assert accepted.returncode == 0, accepted.stderr
    assert "accepted: " in accepted.stdout


def test_the_same_layout_passes(tmp_path):
    base = generate(30, tmp_path / "base", account_stacks=3)
    head = generate(31, tmp_path / "head", account_stacks=3)  # one account more
    result = orgboot("validate", str(head), "--base", str(base))
    assert result.returncode == 0, result.stderr


def test_base_as_a_git_revision(tmp_path):
    repo = tmp_path / "repo"
    spec = generate(12, repo, account_stacks=2)

    def git(*args):
        subprocess.run(
            ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com", *args], check=True, capture_output=True
        )

    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "base")
    with_account_stacks(spec, 3)
    refused = orgboot("validate", str(spec), "--base", "HEAD")
    assert refused.returncode == 1
    assert "changing account_stacks from 2 to 3 moves" in refused.stderr


def test_an_unknown_base(tmp_path):
    spec = generate(3, tmp_path / "org")
    result = orgboot("validate", str(spec), "--base", "no-such-thing")
    assert result.returncode == 1
    assert f"{spec}:1: --base no-such-thing: no such file, and not a git revision of the repository holding org.yaml" in result.stderr


def test_a_base_that_does_not_validate(tmp_path):
    spec = generate(3, tmp_path / "org")
    base = tmp_path / "base.yaml"
    base.write_text("accounts: {a: {name: A, email: nope, ou: Root}}\n")
    result = orgboot("validate", str(spec), "--base", str(base))
    assert result.returncode == 1
    assert (
        f"{spec}:1: --base: the base does not validate (1 problem; first: {base}:1: accounts.a.email: 'nope' is not an email address"
        in result.stderr
    )


def test_a_spec_new_at_the_revision(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "-C", str(repo), "init", "-q"], check=True)
    (repo / "README").write_text("x")
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "."], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "x"], check=True)
    spec = generate(3, repo / "org")
    result = orgboot("validate", str(spec), "--base", "HEAD")
    assert result.returncode == 1
    assert "--base HEAD: there is no org/org.yaml at that revision (a new spec has no base)" in result.stderr


def test_an_ou_removed_with_the_references_of_later_stacks_is_refused_until_acknowledged(tmp_path):
    """Removing an OU and what targets it from MemberRolesStack in one change: OrganizationStack
    deletes the OU before the StackSet lets go of it. In two changes it passes."""
    base = generate(6, tmp_path / "base")
    data = yaml.safe_load(base.read_text())
    data["organizational_units"].append("Retired")
    data["member_roles"]["catalogue"]["ExternalAudit"]["targets"] = ["Retired", "Security"]
    base.write_text(yaml.safe_dump(data, sort_keys=False))
    head = generate(6, tmp_path / "head")  # neither the OU nor the target
    refused = orgboot("validate", str(head), "--base", str(base))
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert re.search(
        re.escape(str(head)) + r":\d+: organizational_units: OU 'Retired' is gone while what is deployed still refers", refused.stderr
    )
    assert "member role 'ExternalAudit' (MemberRolesStack: its StackSet targets the OU)" in " ".join(refused.stderr.split())
    assert "First remove those references from org.yaml" in " ".join(refused.stderr.split())
    accepted = orgboot("validate", str(head), "--base", str(base), "--allow-ou-replacement")
    assert accepted.returncode == 0, accepted.stderr
    assert "accepted: " in accepted.stdout
