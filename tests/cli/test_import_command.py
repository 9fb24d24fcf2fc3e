"""orgboot import refuses, before writing anything, what org.yaml cannot say or what would mislead:
an OU named like the root, credentials that are not the management account's, a folder that holds
the files already. Two OUs that would share one CloudFormation resource get keys instead
(tests/cli/test_import_ou_keys.py)."""

import json
from pathlib import Path

import pytest

from orgboot.cli.main import main
from orgboot.emulator.aws import assume, emulated_aws, management
from orgboot.rules import load_spec
from orgboot.state.inventory import NotAnOrganization, read_inventory


@pytest.fixture
def organizations():
    with emulated_aws():
        client = management().client("organizations")
        client.create_organization(FeatureSet="ALL")
        yield client, client.list_roots()["Roots"][0]["Id"]


def refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["import", "--out", str(tmp_path / "org")]) == 1
    assert not (tmp_path / "org").exists(), "nothing is written"
    return capsys.readouterr().err.replace("\n", " ")


def test_an_ou_named_like_the_root_is_refused(organizations, tmp_path, capsys):
    client, root = organizations
    client.create_organizational_unit(ParentId=root, Name="Root")
    assert "is named like the organization root, which org.yaml calls Root: rename it in AWS" in refused(tmp_path, capsys)


@pytest.mark.parametrize("names", [("Prod", "prod"), ("開発", "本番")])
def test_two_ous_that_would_share_a_resource_get_keys_and_the_import_validates(organizations, tmp_path, names):
    client, root = organizations
    ids = [client.create_organizational_unit(ParentId=root, Name=name)["OrganizationalUnit"]["Id"] for name in names]
    assert main(["import", "--out", str(tmp_path / "org")]) == 0
    spec = load_spec(tmp_path / "org" / "org.yaml")
    assert [(entry.path, entry.key) for entry in spec.organizational_units] == [(n, f"{n} {i}") for n, i in zip(names, ids, strict=True)]
    mapping = json.loads((tmp_path / "org" / "cdk-import" / "OrganizationStack.json").read_text())
    assert {spec.ou_logical_id(n): {"Id": i} for n, i in zip(names, ids, strict=True)}.items() <= mapping.items()


def test_a_member_accounts_credentials_are_refused(organizations):
    client, _ = organizations
    member = client.create_account(AccountName="Tools", Email="aws+tools@acme-corp.io")["CreateAccountStatus"]["AccountId"]
    with pytest.raises(NotAnOrganization, match=f"account {member} is a member of .*use the management account's credentials"):
        read_inventory(assume(member).client)


def test_a_folder_that_holds_an_org_yaml_is_refused_before_aws_is_read(organizations, tmp_path, capsys):
    (tmp_path / "org.yaml").write_text("mine\n")
    assert main(["import", "--out", str(tmp_path)]) == 2
    assert "already has org.yaml; import never overwrites a file" in capsys.readouterr().err.replace("\n", " ")
    assert (tmp_path / "org.yaml").read_text() == "mine\n"
