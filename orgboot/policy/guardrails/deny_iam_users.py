"""No IAM users and no long-term access keys in member accounts: people come in through roles with
temporary credentials (IAM User Guide, "Security best practices in IAM": "Require human users to
use federation ... to access AWS using temporary credentials").

Exempt: nobody but `exempt_roles`. orgboot creates no users in member accounts, and break-glass
comes in through the access role, a role.
"""

from orgboot.policy.guardrails.guardrail import Exemptable, Guardrail, OrgbootRoles, Statement, deny

SID = "DenyIamUsersAndAccessKeys"


def _statements(parameters: Exemptable, _: OrgbootRoles) -> list[Statement]:
    return [deny(SID, ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"], unless=parameters.exempt_principals)]


GUARDRAIL = Guardrail(
    "deny-iam-users",
    "SERVICE_CONTROL_POLICY",
    "no IAM users or long-term access keys: people use roles with temporary credentials",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html",
    _statements,
    Exemptable,
    (SID,),
)
