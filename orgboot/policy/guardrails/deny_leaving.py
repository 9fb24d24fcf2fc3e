"""Member accounts cannot leave the organization or close themselves.

Organizations created through the API get no such protection (AWS Organizations User Guide,
"Service control policy examples": "Prevent member accounts from leaving the organization");
account:CloseAccount is the permission to close an account from inside it, in the console
(Account Management Reference Guide, "Close an AWS account"); the management account, which SCPs
do not restrict, can still close member accounts through Organizations' CloseAccount.

Exempt: nobody. orgboot never leaves or closes from inside an account, and neither does
break-glass: removing or closing a member account is the management account's call
(Organizations RemoveAccountFromOrganization and CloseAccount), which no SCP restricts.
"""

from typing import Any

from orgboot.policy.guardrails.guardrail import Guardrail, OrgbootRoles, Statement, deny


def _statements(_: Any, __: OrgbootRoles) -> list[Statement]:
    return [deny("DenyLeavingAndClosing", ["organizations:LeaveOrganization", "account:CloseAccount"])]


GUARDRAIL = Guardrail(
    "deny-leave-organization",
    "SERVICE_CONTROL_POLICY",
    "a member account cannot leave the organization or close itself",
    "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html",
    _statements,
    sids=("DenyLeavingAndClosing",),
)
