"""security_baseline.alternate_contacts in org.yaml: each account's contacts from default, its OUs and
itself, type by type; and every value PutAlternateContact would refuse, refused at its line."""

import botocore.session
import pytest

from orgboot.aws import account_management as api
from orgboot.rules import load_spec
from tests.spec.test_loader import BASE, problems, write

SECURITY = "{name: Security Team, title: Security Officer, email: security@example.com, phone: '+1 206 555 0100'}"
OPERATIONS = "{name: Platform Team, title: Operations, email: ops@example.com, phone: '+1 206 555 0101'}"
BILLING = "{name: Finance, title: Controller, email: billing@example.com, phone: '+1 206 555 0102'}"
SHOP_BILLING = "{name: Shop Finance, title: Controller, email: shop-billing@example.com, phone: '+1 206 555 0103'}"
PROD_OPERATIONS = "{name: Shop On-Call, title: SRE, email: oncall@example.com, phone: '+1 206 555 0104'}"

SPEC = BASE.replace("accounts:\n", "accounts:\n  sec: {name: Sec, email: sec@example.com, ou: Security}\n") + (
    "security_baseline:\n"
    "  alternate_contacts:\n"
    f"    default: {{security: {SECURITY}, operations: {OPERATIONS}}}\n"
    f"    management: {{billing: {BILLING}}}\n"
    f"    ous: {{Workloads: {{operations: {OPERATIONS.replace('Platform', 'Workloads')}}}, Workloads/Prod: {{operations: {PROD_OPERATIONS}}}}}\n"
    f"    accounts: {{shop-prod: {{billing: {SHOP_BILLING}}}}}\n"
)


def test_the_limits_are_put_alternate_contacts():
    shape = botocore.session.get_session().get_service_model("account").operation_model("PutAlternateContact").input_shape
    assert shape is not None
    shapes = shape.members
    assert {name: shape.metadata for name, shape in shapes.items() if name != "AccountId"} == {
        "Name": {"min": 1, "max": api.NAME_MAX, "sensitive": True},
        "Title": {"min": 1, "max": api.TITLE_MAX, "sensitive": True},
        "EmailAddress": {"min": 1, "max": api.EMAIL_MAX, "pattern": api.EMAIL_PATTERN, "sensitive": True},
        "PhoneNumber": {"min": 1, "max": api.PHONE_MAX, "pattern": api.PHONE_PATTERN, "sensitive": True},
        "AlternateContactType": {"enum": list(api.CONTACT_TYPES)},
    }


def test_each_type_comes_from_the_nearest_level_that_gives_it(tmp_path):
    contacts = load_spec(write(tmp_path, SPEC)).security_baseline.alternate_contacts
    assert contacts is not None

    def names(found: dict) -> dict[str, str]:
        return {kind: contact.name for kind, contact in found.items()}

    # The account's own billing, its nearest OU's operations (Workloads/Prod over Workloads), default's security.
    assert names(contacts.of_account("shop-prod", "Workloads/Prod")) == {
        "BILLING": "Shop Finance",
        "OPERATIONS": "Shop On-Call",
        "SECURITY": "Security Team",
    }
    assert names(contacts.of_account("sec", "Security")) == {"OPERATIONS": "Platform Team", "SECURITY": "Security Team"}
    assert names(contacts.of_account("new", "Workloads/Dev")) == {"OPERATIONS": "Workloads Team", "SECURITY": "Security Team"}
    assert names(contacts.of_account("top", "Root")) == {"OPERATIONS": "Platform Team", "SECURITY": "Security Team"}
    # The management account belongs to no OU of org.yaml: default, with its own over it.
    assert names(contacts.of_management()) == {"BILLING": "Finance", "OPERATIONS": "Platform Team", "SECURITY": "Security Team"}


def test_without_the_section_no_account_has_contacts(tmp_path):
    assert load_spec(write(tmp_path, BASE)).security_baseline.alternate_contacts is None


def contacts(text: str) -> str:
    return BASE + "security_baseline:\n  alternate_contacts:\n" + "".join(f"    {line}\n" for line in text.strip("\n").splitlines())


def one_field(field: str, value: str) -> str:
    fields = {"name": "Sec", "title": "Officer", "email": "sec@example.com", "phone": "'+1 206 555 0100'"} | {field: value}
    return contacts("default:\n  security: {" + ", ".join(f"{k}: {v}" for k, v in fields.items()) + "}")


AT = "org.yaml:10: security_baseline.alternate_contacts.default.security"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "'" + "n" * 65 + "'", "name: 65 characters; AWS allows at most 64"),
        ("name", "''", "name: empty; text belongs here (A person or a team)"),
        ("title", "'" + "t" * 51 + "'", "title: 51 characters; AWS allows at most 50"),
        (
            "email",
            "security.example.com",
            "email: 'security.example.com' is not an email address PutAlternateContact accepts: name@domain.tld, the name of"
            " letters, digits and + = . # | ! & - _",
        ),
        (
            "email",
            "'sec%team@example.com'",
            "email: 'sec%team@example.com' is not an email address PutAlternateContact accepts: name@domain.tld, the name of"
            " letters, digits and + = . # | ! & - _",
        ),
        (
            "email",
            "sécurité@example.com",
            "email: 'sécurité@example.com' has a character that is not ASCII at position 2 ('é', U+00E9): PutAlternateContact"
            " accepts ASCII letters, digits and + = . # | ! & - _ before the @",
        ),
        ("email", "'" + "a" * 243 + "@example.com'", "email: 255 characters; PutAlternateContact accepts email addresses of at most 254"),
        (
            "phone",
            "'+1 206 555 0100 ext. 7'",
            "phone: '+1 206 555 0100 ext. 7' has '.', 'e', 't', 'x': PutAlternateContact accepts digits, spaces and + - ( ) only,"
            " like '+1 206 555 0100'",
        ),
        ("phone", "'" + "1" * 26 + "'", "phone: 26 characters; PutAlternateContact accepts phone numbers of at most 25"),
    ],
)
def test_what_put_alternate_contact_refuses_is_refused_at_its_line(tmp_path, field, value, message):
    assert problems(tmp_path, one_field(field, value)) == [f"{AT}.{message}"]


@pytest.mark.parametrize("email", ["first.last+aws@example.com", "ops=team#1|2!&@sub-domain.example.co", "a_b@example.com", "x@y.z9"])
def test_what_put_alternate_contact_accepts_is_accepted(tmp_path, email):
    spec = load_spec(write(tmp_path, one_field("email", f"'{email}'")))
    assert spec.security_baseline.alternate_contacts is not None
    assert spec.security_baseline.alternate_contacts.of_management()["SECURITY"].email == email


def test_references_name_declared_ous_and_accounts(tmp_path):
    found = problems(
        tmp_path,
        contacts(
            f"ous:\n  Workloads/Prd: {{security: {SECURITY}}}\n  Root: {{security: {SECURITY}}}\n"
            f"accounts:\n  shop-prd: {{security: {SECURITY}}}\n  management: {{security: {SECURITY}}}"
        ),
    )
    prefix = "security_baseline.alternate_contacts"
    assert found == [
        f"org.yaml:10: {prefix}.ous.Workloads/Prd: OU 'Workloads/Prd' is not declared (did you mean 'Workloads/Prod'?);"
        " give the path of an OU of organizational_units",
        f"org.yaml:11: {prefix}.ous.Root: Root holds every account: write its contacts under alternate_contacts.default",
        f"org.yaml:13: {prefix}.accounts.shop-prd: account 'shop-prd' is not declared (did you mean 'shop-prod'?);"
        " give the key of an entry of accounts",
        f"org.yaml:14: {prefix}.accounts.management: account 'management' is not declared; the management account's contacts"
        " go under alternate_contacts.management",
    ]


def test_an_unknown_contact_type_and_an_empty_entry(tmp_path):
    found = problems(tmp_path, contacts(f"default: {{securty: {SECURITY}}}\nmanagement: {{}}"))
    assert found == [
        "org.yaml:9: security_baseline.alternate_contacts.default.securty: unknown key 'securty' (did you mean 'security'?);"
        " expected one of: billing, operations, security",
        "org.yaml:10: security_baseline.alternate_contacts.management: no contact given; give billing, operations or security,"
        " or leave the entry out",
    ]
