"""The roles orgboot depends on cannot be changed or deleted behind its back: the access role the
management account reaches each account through, the StackSets execution roles, the member
roles of the catalogue, the account-settings function's roles, and the roles any guardrail's
`exempt_roles` names.

Guardrails exempt roles by name (aws:PrincipalArn), so a role of an exempt name is a way around
them for whoever may create it: this guardrail is what makes the names safe, and validate refuses
a guardrail whose exemptions nothing protects where it applies (rules/exemptions.py).

Written from AWS Control Tower's AWS-GR_IAM_ROLE_CHANGE_PROHIBITED ("Disallow changes to IAM roles
set up by AWS Control Tower and AWS CloudFormation"), which lists the IAM actions that change a
role.

Exempt, each only where it needs to be:
- the StackSets execution roles, on the member roles, the account-settings function's roles and
  the roles `exempt_roles` names: they create, update and delete the member roles (orgboot/aws/stacksets.py lists the calls), and a
  team's own service-managed StackSet may deploy its exempt role the same way. Not on the access role or on themselves: the
  service-linked role StackSets creates them with is no subject of SCPs, and nothing of orgboot's
  changes the access role;
- the access role, on all of them, for break-glass: a member role or an execution role that
  drifted or broke is repaired from inside the account, and only break-glass reaches the access
  role.
"""

from orgboot.policy.guardrails.guardrail import Exemptable, Guardrail, OrgbootRoles, Statement, deny, role_arns

OWN_ROLES, MEMBER_ROLES = "ProtectOrgbootRoles", "ProtectMemberRoles"
ROLE_CHANGES = (
    "iam:AttachRolePolicy",
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
    "iam:UpdateRoleDescription",
)


def _statements(parameters: Exemptable, roles: OrgbootRoles) -> list[Statement]:
    statements = [
        deny(
            OWN_ROLES,
            ROLE_CHANGES,
            resources=role_arns((*roles.access_roles, *roles.stacksets_execution)),
            unless=(*roles.break_glass, *parameters.exempt_principals),
        )
    ]
    orgboots = {*roles.access_roles, *roles.stacksets_execution}
    functions = roles.account_settings if roles.security_services else ()
    deployed = [name for name in (*roles.member_roles, *functions, *roles.exempted) if name not in orgboots]
    if deployed:  # one statement for both, to keep the document small: who may change them is the same
        statements.append(
            deny(
                MEMBER_ROLES,
                ROLE_CHANGES,
                resources=role_arns(deployed),
                unless=(*roles.stacksets_execution, *roles.break_glass, *parameters.exempt_principals),
            )
        )
    return statements


GUARDRAIL = Guardrail(
    "protect-orgboot-roles",
    "SERVICE_CONTROL_POLICY",
    "the access role, StackSets execution roles, member roles and roles guardrails exempt cannot be changed behind orgboot's back",
    "https://docs.aws.amazon.com/controltower/latest/controlreference/mandatory-controls.html",
    _statements,
    Exemptable,
    (OWN_ROLES, MEMBER_ROLES),
)
