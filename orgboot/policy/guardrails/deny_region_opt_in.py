"""Member accounts cannot enable or disable opt-in regions: which regions exist is the platform
team's decision (Account Management Reference Guide, "Enable or disable AWS Regions in your
account"; actions account:EnableRegion and account:DisableRegion)."""

from orgboot.policy.guardrails.guardrail import Exemptable, Guardrail, OrgbootRoles, Statement, deny


def _statements(parameters: Exemptable, roles: OrgbootRoles) -> list[Statement]:
    return [
        deny(
            "DenyRegionOptInChanges",
            ["account:EnableRegion", "account:DisableRegion"],
            unless=(*roles.access_roles, *parameters.exempt_roles),
        )
    ]


GUARDRAIL = Guardrail(
    "deny-region-opt-in",
    "SERVICE_CONTROL_POLICY",
    "member accounts cannot turn opt-in regions on or off",
    "https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html",
    _statements,
    Exemptable,
)
