"""Input AWS would refuse later, or that should never be read: refused by validate first."""

import pytest

from orgboot.rules import load_spec
from tests.spec.test_loader import BASE, problems, write

ACCOUNT = "  shop-prod: {name: Shop Prod, email: shop@example.com, ou: Workloads/Prod}\n"


def with_email(email: str) -> str:
    return BASE.replace(ACCOUNT, f'  shop-prod: {{name: Shop Prod, email: "{email}", ou: Workloads/Prod}}\n')


@pytest.mark.parametrize("email", ["a.b+c@example.com", "x_y@sub.example.co", "ok-1~x@example.com"])
def test_emails_createaccount_accepts(tmp_path, email):
    assert load_spec(write(tmp_path, with_email(email))).accounts["shop-prod"].email == email


@pytest.mark.parametrize(
    "email",
    [
        ".lead@example.com",  # local name starts with a dot
        "a(b)@example.com",  # ( ) in the local name
        "a%b@example.com",
        "a&b@example.com",
        "a@b@example.com",  # two @
        "ab@-example.com",  # domain starts with a hyphen
        "ab@example.com.",  # domain ends with a dot
        "ab@example",  # no dot in the domain
        "ab@exa_mple.com",  # _ in the domain
    ],
)
def test_emails_createaccount_refuses(tmp_path, email):
    (found,) = problems(tmp_path, with_email(email))
    assert found == f"org.yaml:6: accounts.shop-prod.email: '{email}' is not an email address (expected name@domain.tld)"


def test_a_lookalike_letter_in_an_email(tmp_path):
    (found,) = problems(tmp_path, with_email("shоp@example.com"))  # Cyrillic o
    assert found == (
        "org.yaml:6: accounts.shop-prod.email: 'shоp@example.com' has a character that is not ASCII at position 3 ('о', U+043E):"
        " CreateAccount accepts 7-bit ASCII only (a lookalike letter?)"
    )


def test_an_empty_spec(tmp_path):
    assert problems(tmp_path, "") == ["org.yaml:1: the spec is empty; declare the organization (the example is org.yaml)"]
    assert problems(tmp_path, "# only a comment\n") == ["org.yaml:1: the spec is empty; declare the organization (the example is org.yaml)"]


@pytest.mark.parametrize("path", ["../outside.json", "/etc/hostname", "policies/../../outside.json"])
def test_policy_files_stay_in_the_spec_folder(tmp_path, path):
    (tmp_path / "outside.json").write_text("{}")
    spec_dir = tmp_path / "spec"
    spec_dir.mkdir()
    text = BASE + f"policies:\n  p: {{type: SERVICE_CONTROL_POLICY, document: {path}, targets: [Root]}}\n"
    (found,) = problems(spec_dir, text)
    assert found.startswith(f"org.yaml:8: policies.p.document: policy file '{path}' is outside the spec's folder")


def test_a_symlink_out_of_the_spec_folder(tmp_path):
    (tmp_path / "outside.json").write_text("{}")
    spec_dir = tmp_path / "spec"
    (spec_dir / "policies").mkdir(parents=True)
    (spec_dir / "policies" / "link.json").symlink_to(tmp_path / "outside.json")
    text = BASE + "policies:\n  p: {type: SERVICE_CONTROL_POLICY, document: policies/link.json, targets: [Root]}\n"
    (found,) = problems(spec_dir, text)
    assert "is outside the spec's folder" in found
