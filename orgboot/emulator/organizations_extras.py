"""What AWS Organizations does that moto cannot be asked to do through its API.

moto 5.2.1 serves no handshakes: InviteAccountToOrganization, AcceptHandshake and the rest of the
invitation flow are not implemented (moto/organizations/responses.py has no handler for them), so
every account in moto joins by CreateAccount and reads `JoinedMethod: CREATED`
(moto/organizations/models.py, FakeAccount.__init__). An organization of some age holds accounts
that were invited instead; the one visible trace of that in the Organizations API is
`JoinedMethod: INVITED` (DescribeAccount, ListAccounts). This module sets that field on moto's
model of the account, as `rename_account` sets the name PutAccountName gives (moto has no call that
renames an account): the moto internals reached here (pinned in requirements.txt).
It works on the moto of this process: in-process mocks, or a moto server running in this process.
"""

from moto.organizations.models import organizations_backends

from orgboot.aws.regions import PARTITION

INVITED = "INVITED"  # Organizations API reference, Account.JoinedMethod: INVITED | CREATED


def mark_invited(account_id: str) -> None:
    """Make member account `account_id` read as joined by invitation (JoinedMethod INVITED).

    Only the field changes: an invited account has no OrganizationAccountAccessRole unless its
    owners created one, so remove the role moto made with IAM calls in that account."""
    # moto's own index of member accounts to the management account (and partition) owning them
    # (OrganizationsBackendDict.master_accounts, filled by create_account).
    owner = organizations_backends.master_accounts.get(account_id)
    if owner is None:
        raise LookupError(f"account {account_id} is not a member account of an organization in this emulated AWS")
    management_account_id, partition = owner
    account = organizations_backends[management_account_id][partition].get_account_by_id(account_id)
    account.joined_method = INVITED


def rename_account(account_id: str, name: str) -> None:
    """Give account `account_id` the name `name` in Organizations, as the Account Management API's
    PutAccountName does (apis/account_names.py), on moto's model of it (FakeAccount.name): moto
    5.2.1 has no call that renames an account. An account in no organization has no name there."""
    owner = organizations_backends.master_accounts.get(account_id)
    management_account_id, partition = owner if owner is not None else (account_id, PARTITION)
    backend = organizations_backends[management_account_id][partition]
    if backend.org is None:
        return
    backend.get_account_by_id(account_id).name = name


def accept_delegated_administrators(service_principal: str) -> None:
    """Let moto register `service_principal`'s delegated administrators: moto 5.2.1 knows a few
    services only (FakeDelegatedAdministrator.SUPPORTED_SERVICES) where AWS accepts more, AWS Config
    among them ("Register a Delegated Administrator", AWS Config Developer Guide:
    register-delegated-administrator --service-principal config.amazonaws.com)."""
    from moto.organizations.models import FakeDelegatedAdministrator

    if service_principal not in FakeDelegatedAdministrator.SUPPORTED_SERVICES:
        FakeDelegatedAdministrator.SUPPORTED_SERVICES.append(service_principal)
