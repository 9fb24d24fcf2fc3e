"""Accounts under quarantine can do nothing; only orgboot's StackSets and break-glass still work,
so the organization can investigate, clean up and move the account out again.

Written from the AWS Organizations SCP example "Deny all actions except for specified roles" (an
explicit deny with an aws:PrincipalArn exception). Attach it to an OU such as Suspended.

Exempt:
- the StackSets execution roles: a StackSet rolls its member roles out to every account under its
  target OUs (a role targeted at Root reaches Suspended too), and one instance it may not deploy
  fails the operation for the whole organization;
- the account-settings function's roles (security_baseline), for the same reason: the StackSet
  that deploys it reaches every account, and its custom resources fail the instance when the
  function may not act (S3 Block Public Access, EBS encryption, the Config recorder);
- the access role, for break-glass: investigating and cleaning up a quarantined account from the
  inside is what break-glass is for, and only break-glass grants reach the access role.
Nobody else, including the member roles' everyday users.
"""

from orgboot.policy.guardrails.guardrail import Exemptable, Guardrail, OrgbootRoles, Statement, deny

SID = "Quarantine"


def _statements(parameters: Exemptable, roles: OrgbootRoles) -> list[Statement]:
    functions = roles.account_settings if roles.security_services else ()
    return [deny(SID, "*", unless=(*roles.stacksets_execution, *functions, *roles.break_glass, *parameters.exempt_principals))]


GUARDRAIL = Guardrail(
    "quarantine",
    "SERVICE_CONTROL_POLICY",
    "accounts in a quarantine OU can do nothing; the organization's own roles still reach them (orgboot's StackSets and break-glass)",
    "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html",
    _statements,
    Exemptable,
    (SID,),
)
