"""The Account Management API's PutAccountName, which moto 5.2 lacks (its moto/account keeps
alternate contacts only; the rest of the API stays moto's: Api.extends_moto).

"Updates the account name of the specified account" (Account Management API Reference,
PutAccountName). Without AccountId it names the caller's own account, whatever the account; with
it, the rules of every Account Management call that names an account hold (account_management.py:
the management account or the delegated administrator, a member of the same organization, trusted
access for account.amazonaws.com; the management account names itself without AccountId). The name
is what Organizations then reads (DescribeAccount, ListAccounts: Account.Name), as after a rename in
the console; the limits are the service model's (1 to 50 characters of [ -;=?-~]), checked before."""

from typing import Any

from botocore.exceptions import ClientError

from orgboot.emulator import account_management
from orgboot.emulator.apis.api import Api, Call
from orgboot.emulator.apis.rest_json import ApiError
from orgboot.emulator.organizations_extras import rename_account


class AccountNames(Api):
    service_name = "account"
    extends_moto = True

    def put_account_name(self, call: Call) -> dict[str, Any]:
        try:
            account_management.refuse(call.aws, call.operation, call.params)
        except ClientError as refused:
            raise ApiError(refused.response["Error"]["Code"], refused.response["Error"]["Message"]) from None
        rename_account(str(call.params.get("AccountId") or call.account_id), str(call.params["AccountName"]))
        return {}
