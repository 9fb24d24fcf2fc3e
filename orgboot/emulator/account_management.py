"""What the Account Management API checks of an alternate-contact call that moto does not.

moto (5.1.21 and later: moto/account) keeps alternate contacts per account and answers
Put/Get/DeleteAlternateContact for any AccountId, from any caller, and deletes a contact that is not
there without a word. AWS, for a call that names an AccountId (Account Management API Reference,
PutAlternateContact, DeleteAlternateContact and GetAlternateContact, AccountId): "the caller must be
an identity in the organization's management account or a delegated administrator account, and the
specified account ID must be a member account in the same organization. The organization must have
all features enabled, and the organization must have trusted access enabled for the Account
Management service"; and "The management account can't specify its own AccountId; it must call the
operation in standalone context by not including the AccountId parameter". A refusal is an
AccessDeniedException ("The operation failed because the calling identity doesn't have the minimum
required permissions"), as a call naming a member before trusted access is enabled gets in practice
(turbot/steampipe-plugin-aws#1309). DeleteAlternateContact of a type the account does not have
fails with ResourceNotFoundException (its listed errors; AWS's own sample catches it:
aws-security-reference-architecture-examples, account_alternate_contacts)."""

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from botocore.exceptions import ClientError

from orgboot.aws.organizations import ACCOUNT_MANAGEMENT_SERVICE_PRINCIPAL
from orgboot.emulator.aws import AwsAccount

# PutAccountName takes AccountId under the same words (Account Management API Reference): apis/account_names.py.
OPERATIONS = frozenset({"PutAlternateContact", "DeleteAlternateContact", "GetAlternateContact", "PutAccountName"})


def refuse(aws: AwsAccount, operation: str, parameters: Mapping[str, Any]) -> None:
    """Raise what the Account Management API answers `aws`'s account calling `operation` with
    `parameters`, where AWS refuses and moto would not; nothing for other operations."""
    if operation not in OPERATIONS:
        return
    target = parameters.get("AccountId")
    if target is not None:
        _refuse_naming(aws, operation, str(target))
    if operation == "DeleteAlternateContact":
        named = {"AccountId": target} if target is not None else {}
        try:
            aws.client("account").get_alternate_contact(AlternateContactType=parameters["AlternateContactType"], **named)
        except ClientError as error:
            raise ClientError(error.response, operation) from None


def _refuse_naming(aws: AwsAccount, operation: str, target: str) -> None:
    def denied(why: str) -> ClientError:
        message = f"User: arn:aws:iam::{aws.account_id} is not authorized to perform: account:{operation} on account {target}: {why}"
        return ClientError({"Error": {"Code": "AccessDeniedException", "Message": message}}, operation)

    try:
        organization = aws.client("organizations").describe_organization()["Organization"]
    except ClientError:
        raise denied("the caller's account is in no organization; call without AccountId") from None
    management_id = organization["MasterAccountId"]
    if target == management_id:
        raise denied("the management account can't specify its own AccountId; call without AccountId (standalone context)")
    organizations = replace(aws, account_id=management_id).client("organizations")
    if aws.account_id != management_id and not _delegated_administrator(organizations, aws.account_id):
        raise denied("only the management account or Account Management's delegated administrator may name an account")
    enabled = organizations.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    if ACCOUNT_MANAGEMENT_SERVICE_PRINCIPAL not in {service["ServicePrincipal"] for service in enabled}:
        raise denied(
            f"trusted access for {ACCOUNT_MANAGEMENT_SERVICE_PRINCIPAL} is not enabled in the organization"
            f" (organizations:EnableAWSServiceAccess, before the first call that names an account)"
        )
    try:
        organizations.describe_account(AccountId=target)
    except ClientError:
        raise denied(f"{target} is not a member account of the organization {organization['Id']}") from None


def _delegated_administrator(organizations: Any, account_id: str) -> bool:
    """Whether `account_id` is Account Management's delegated administrator. Asked per account: moto
    refuses account.amazonaws.com as a filter of ListDelegatedAdministrators (its list of delegable
    services lacks it), and so never registers it either."""
    try:
        services = organizations.list_delegated_services_for_account(AccountId=account_id)["DelegatedServices"]
    except organizations.exceptions.AccountNotRegisteredException:
        return False
    return ACCOUNT_MANAGEMENT_SERVICE_PRINCIPAL in {service["ServicePrincipal"] for service in services}
