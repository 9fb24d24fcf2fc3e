"""Member accounts cannot enable or disable opt-in regions: which regions exist is the platform
team's decision (Account Management Reference Guide, "Enable or disable AWS Regions in your
account"; actions account:EnableRegion and account:DisableRegion).

Exempt: nobody but `exempt_roles`. orgboot turns no region on or off, and break-glass need not
either: the management account does it for any member account, with EnableRegion's and
DisableRegion's AccountId parameter (Account Management API Reference, EnableRegion), and SCPs do
not restrict the management account.
"""

from orgboot.policy.guardrails.guardrail import Exemptable, Guardrail, OrgbootRoles, Statement, deny

SID = "DenyRegionOptInChanges"


def _statements(parameters: Exemptable, _: OrgbootRoles) -> list[Statement]:
    return [deny(SID, ["account:EnableRegion", "account:DisableRegion"], unless=parameters.exempt_principals)]


GUARDRAIL = Guardrail(
    "deny-region-opt-in",
    "SERVICE_CONTROL_POLICY",
    "member accounts cannot turn opt-in regions on or off",
    "https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html",
    _statements,
    Exemptable,
    (SID,),
)
