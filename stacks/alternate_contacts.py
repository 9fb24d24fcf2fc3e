"""security_baseline.alternate_contacts as the constructs take them: the contacts of the accounts a
stack holds (OrganizationStack, or each accounts stack) and of the management account
(ManagementBaselineStack)."""

from collections.abc import Mapping

from orgboot.spec import Account, logical_ids
from orgboot.spec.contacts import AlternateContacts, Contact

from constructs import Construct
from constructs.alternate_contacts import AlternateContact
from constructs.alternate_contacts import AlternateContacts as AlternateContactsConstruct
from constructs.member_accounts import MemberAccounts


def contact_props(contacts: Mapping[str, Contact]) -> dict[str, AlternateContact]:
    return {kind: AlternateContact(c.name, c.title, c.email, c.phone) for kind, c in contacts.items()}


def members_have_contacts(contacts: AlternateContacts | None, accounts: Mapping[str, Account]) -> bool:
    return contacts is not None and any(contacts.of_account(key, account.ou) for key, account in accounts.items())


def add_member_contacts(
    scope: Construct, contacts: AlternateContacts | None, accounts: Mapping[str, Account]
) -> AlternateContactsConstruct | None:
    """The contacts of `accounts`, whose resources are in the stack of `scope`; None when none has any.
    Every account is named, those without contacts too, so that an update deletes what they had."""
    if contacts is None or not members_have_contacts(contacts, accounts):
        return None
    return AlternateContactsConstruct(
        scope,
        "AlternateContacts",
        accounts={
            MemberAccounts.account_id(logical_ids.account(key)): contact_props(contacts.of_account(key, account.ou))
            for key, account in sorted(accounts.items())
        },
        logical_id=logical_ids.ALTERNATE_CONTACTS,
        function_logical_id=logical_ids.ALTERNATE_CONTACTS_FUNCTION,
    )


def add_management_contacts(scope: Construct, contacts: AlternateContacts | None, account_id: str) -> AlternateContactsConstruct | None:
    """The management account's contacts (`account_id`, the stack's own), or None when it has none."""
    own = contacts.of_management() if contacts is not None else {}
    if not own:
        return None
    return AlternateContactsConstruct(
        scope,
        "AlternateContacts",
        accounts={account_id: contact_props(own)},
        logical_id=logical_ids.ALTERNATE_CONTACTS,
        function_logical_id=logical_ids.ALTERNATE_CONTACTS_FUNCTION,
    )
