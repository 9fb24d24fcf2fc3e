"""Account emails must receive mail: the root user's email is how AWS recovers or closes an account.
Reserved example domains (RFC 2606, RFC 6761) are refused unless the spec is an example that only
the emulator deploys (emulator_only: true)."""

import pytest

from orgboot.rules import load_spec
from tests.spec.test_loader import BASE, problems, write

# BASE without its first line: a spec that does not say it is an example.
REAL = BASE.removeprefix("emulator_only: true\n")


def with_email(text: str, email: str) -> str:
    return text.replace("email: shop@example.com", f"email: '{email}'")


def refusal(email: str, reserved: str) -> str:
    return (
        f"org.yaml:5: accounts.shop-prod.email: '{email}' is at {reserved}, reserved for examples (RFC 2606): it receives no mail,"
        " and the root user's email is how AWS recovers or closes an account. Use a mailbox your company owns (an example that"
        " deploys only into the emulator says so: emulator_only: true)"
    )


def test_the_unmarked_spec_is_the_example_without_its_mark():
    assert BASE.startswith("emulator_only: true\n")
    assert not REAL.startswith("emulator_only")


@pytest.mark.parametrize(
    ("email", "reserved"),
    [
        ("shop@example.com", "example.com"),
        ("shop@example.net", "example.net"),
        ("shop@example.org", "example.org"),
        ("shop@aws.example.com", "example.com"),  # a subdomain of one
        ("shop@EXAMPLE.COM", "example.com"),  # domains have no case
        ("shop@acme.example", ".example"),
        ("shop@acme.test", ".test"),
        ("shop@acme.invalid", ".invalid"),
        ("shop@mail.localhost", ".localhost"),
    ],
)
def test_a_reserved_domain_is_refused(tmp_path, email, reserved):
    assert problems(tmp_path, with_email(REAL, email)) == [refusal(email, reserved)]


@pytest.mark.parametrize(
    "email",
    [
        "aws+shop@acme-corp.net",
        "shop@notexample.com",  # ends like example.com, is another domain
        "shop@example.co",
        "shop@example.com.au",
        "shop@testing.io",
        "shop@test.acme.io",  # a reserved name as a subdomain, not the top-level domain
    ],
)
def test_a_deliverable_domain_is_accepted(tmp_path, email):
    assert load_spec(write(tmp_path, with_email(REAL, email))).accounts["shop-prod"].email == email


def test_an_emulator_only_spec_may_use_example_domains(tmp_path):
    spec = load_spec(write(tmp_path, with_email(BASE, "shop@acme.test")))
    assert spec.emulator_only
    assert spec.accounts["shop-prod"].email == "shop@acme.test"


def test_emulator_only_false_is_no_example(tmp_path):
    assert problems(tmp_path, "emulator_only: false\n" + REAL) == [refusal("shop@example.com", "example.com").replace(":5:", ":6:", 1)]


def test_every_account_at_a_reserved_domain_is_named(tmp_path):
    text = REAL + "  shop-dev: {name: Shop Dev, email: dev@example.org, ou: Security}\n"
    assert problems(tmp_path, text) == [
        refusal("shop@example.com", "example.com"),
        refusal("dev@example.org", "example.org").replace(":5: accounts.shop-prod.", ":6: accounts.shop-dev."),
    ]
