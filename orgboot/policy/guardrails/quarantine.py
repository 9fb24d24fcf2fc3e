"""Accounts under quarantine can do nothing; only the roles orgboot reaches and deploys through
still work, so the organization can investigate, clean up and move the account out again.

Written from the AWS Organizations SCP example "Deny all actions except for specified roles" (an
explicit deny with an aws:PrincipalArn exception). Attach it to an OU such as Suspended.
"""

from orgboot.policy.guardrails.guardrail import Exemptable, Guardrail, OrgbootRoles, Statement, deny


def _statements(parameters: Exemptable, roles: OrgbootRoles) -> list[Statement]:
    return [deny("Quarantine", "*", unless=(*roles.deployers, *parameters.exempt_roles))]


GUARDRAIL = Guardrail(
    "quarantine",
    "SERVICE_CONTROL_POLICY",
    "accounts in a quarantine OU can do nothing; the organization's own roles still reach them",
    "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html",
    _statements,
    Exemptable,
)
