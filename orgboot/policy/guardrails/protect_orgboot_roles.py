"""The roles orgboot depends on cannot be changed or deleted by anyone but orgboot: the access
role the management account reaches each account through, the StackSets execution roles, and
the member roles of the catalogue.

Written from AWS Control Tower's AWS-GR_IAM_ROLE_CHANGE_PROHIBITED ("Disallow changes to IAM roles
set up by AWS Control Tower and AWS CloudFormation"), which lists the IAM actions that change a
role. The access roles and the execution roles themselves stay exempt: they are how orgboot
deploys and updates these very roles (the lockout check proves it for every account).
"""

from orgboot.aws import stacksets
from orgboot.policy.guardrails.guardrail import Exemptable, Guardrail, OrgbootRoles, Statement, deny, role_arns

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
    protected = role_arns((*roles.access_roles, stacksets.EXECUTION_ROLE_PATTERN, *roles.member_roles))
    return [deny("ProtectOrgbootRoles", ROLE_CHANGES, resources=protected, unless=(*roles.deployers, *parameters.exempt_roles))]


GUARDRAIL = Guardrail(
    "protect-orgboot-roles",
    "SERVICE_CONTROL_POLICY",
    "the access role, the StackSets execution roles and the member roles cannot be changed behind orgboot's back",
    "https://docs.aws.amazon.com/controltower/latest/controlreference/mandatory-controls.html",
    _statements,
    Exemptable,
)
