"""No IAM users and no long-term access keys in member accounts: people come in through roles with
temporary credentials (IAM User Guide, "Security best practices in IAM": "Require human users to
use federation ... to access AWS using temporary credentials")."""

from orgboot.policy.guardrails.guardrail import Exemptable, Guardrail, OrgbootRoles, Statement, unless_principal


def _statements(parameters: Exemptable, _: OrgbootRoles) -> list[Statement]:
    statement: Statement = {
        "Sid": "DenyIamUsersAndAccessKeys",
        "Effect": "Deny",
        "Action": ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"],
        "Resource": "*",
    }
    if parameters.exempt_roles:
        statement["Condition"] = unless_principal(parameters.exempt_roles)
    return [statement]


GUARDRAIL = Guardrail(
    "deny-iam-users",
    "SERVICE_CONTROL_POLICY",
    "no IAM users or long-term access keys: people use roles with temporary credentials",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html",
    _statements,
    Exemptable,
)
