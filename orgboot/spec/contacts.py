"""security_baseline.alternate_contacts in org.yaml: the billing, operations and security contacts AWS
writes to besides the root user's email (CIS AWS Foundations 5.0, 1.2), for every account.

Declared once (`default`) and overridden per OU (every account below it; the nearest OU wins) and per
account, each contact type on its own: an OU that names only its operations contact keeps the
default's billing and security contacts. The management account belongs to no OU of org.yaml: it
takes `default`, overridden by `management`. Each contact is checked as PutAlternateContact checks it
(orgboot/aws/account_management.py)."""

from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints, ValidationInfo, model_validator

from orgboot.aws import account_management as api
from orgboot.aws.organizations import ROOT
from orgboot.spec.fields import Model
from orgboot.spec.references import check_account_reference, declared
from orgboot.suggest import did_you_mean


def _check_email(email: str) -> str:
    if not email.isascii():
        position, character = next((i, c) for i, c in enumerate(email) if not c.isascii())
        raise ValueError(
            f"'{email}' has a character that is not ASCII at position {position + 1} ({character!r}, U+{ord(character):04X}):"
            " PutAlternateContact accepts ASCII letters, digits and + = . # | ! & - _ before the @"
        )
    if len(email) > api.EMAIL_MAX:
        raise ValueError(f"{len(email)} characters; PutAlternateContact accepts email addresses of at most {api.EMAIL_MAX}")
    if not api.accepted(api.EMAIL_PATTERN, email):
        raise ValueError(
            f"'{email}' is not an email address PutAlternateContact accepts: name@domain.tld, the name of letters, digits"
            " and + = . # | ! & - _"
        )
    return email


def _check_phone(phone: str) -> str:
    if len(phone) > api.PHONE_MAX:
        raise ValueError(f"{len(phone)} characters; PutAlternateContact accepts phone numbers of at most {api.PHONE_MAX}")
    if not api.accepted(api.PHONE_PATTERN, phone):
        wrong = sorted({c for c in phone if not api.accepted(api.PHONE_PATTERN, c)})
        raise ValueError(
            f"'{phone}' has {', '.join(repr(c) for c in wrong)}: PutAlternateContact accepts digits, spaces and + - ( ) only,"
            " like '+1 206 555 0100'"
        )
    return phone


class Contact(Model):
    """One alternate contact: who AWS writes to about billing, operations or security."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=api.NAME_MAX)] = Field(description="A person or a team")
    title: Annotated[str, StringConstraints(min_length=1, max_length=api.TITLE_MAX)] = Field(description="Like Security Officer")
    email: Annotated[str, StringConstraints(min_length=1), AfterValidator(_check_email)] = Field(
        description="A team's mailbox outlives a person's"
    )
    phone: Annotated[str, StringConstraints(min_length=1), AfterValidator(_check_phone)] = Field(
        description="Digits, spaces and + - ( ), like '+1 206 555 0100' (quoted)"
    )


class Contacts(Model):
    """Contacts by type; a type left out is left to the level above (default, an outer OU)."""

    billing: Contact | None = None
    operations: Contact | None = None
    security: Contact | None = None

    @model_validator(mode="before")
    @classmethod
    def _some(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data:
            raise ValueError("no contact given; give billing, operations or security, or leave the entry out")
        return data

    def by_type(self) -> dict[str, Contact]:
        """The contacts given, by AlternateContactType (BILLING, OPERATIONS, SECURITY)."""
        return {kind.upper(): contact for kind in ("billing", "operations", "security") if (contact := getattr(self, kind))}


def _check_ou(path: str, info: ValidationInfo) -> str:
    if path == ROOT:
        raise ValueError(f"{ROOT} holds every account: write its contacts under alternate_contacts.default")
    ous = declared(info, "ou_paths")
    if ous is not None and path not in ous:
        hint = did_you_mean(path, declared(info, "valid_ou_paths") or ous)
        raise ValueError(f"OU '{path}' is not declared{hint}; give the path of an OU of organizational_units")
    return path


def _check_account(key: str, info: ValidationInfo) -> str:
    accounts = declared(info, "account_keys")
    if accounts is not None and key not in accounts and "management" in key:
        raise ValueError(f"account '{key}' is not declared; the management account's contacts go under alternate_contacts.management")
    return check_account_reference(key, info)


class AlternateContacts(Model):
    """CIS AWS Foundations 1.2: alternate contacts for every account, the management account included,
    set from the management account through the Account Management API (docs/security-baseline.md)."""

    default: Contacts | None = Field(None, description="Every account's contacts, the management account's too")
    management: Contacts | None = Field(None, description="The management account's, over default")
    ous: dict[Annotated[str, AfterValidator(_check_ou)], Contacts] = Field(
        default_factory=dict, description="By OU path: every account below the OU, over default; the nearest OU wins"
    )
    accounts: dict[Annotated[str, AfterValidator(_check_account)], Contacts] = Field(
        default_factory=dict, description="By account key: over default and every OU"
    )

    def of_management(self) -> dict[str, Contact]:
        """The management account's contacts, by AlternateContactType."""
        return _merged(self.default, self.management)

    def of_account(self, key: str, ou: str) -> dict[str, Contact]:
        """The contacts of the account `key` under OU `ou`, by AlternateContactType, each type from
        the nearest level that gives it: the account, its OU, the OU's parents, default."""
        names = [] if ou == ROOT else ou.split("/")
        outer_first = ["/".join(names[: depth + 1]) for depth in range(len(names))]
        return _merged(self.default, *(self.ous.get(path) for path in outer_first), self.accounts.get(key))


def _merged(*levels: Contacts | None) -> dict[str, Contact]:
    merged: dict[str, Contact] = {}
    for level in levels:
        if level is not None:
            merged |= level.by_type()
    return dict(sorted(merged.items()))
