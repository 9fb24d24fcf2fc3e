"""The account-level S3 Block Public Access settings cannot be changed or removed. Both
PutPublicAccessBlock and DeletePublicAccessBlock on the account need s3:PutAccountPublicAccessBlock
(Amazon S3 User Guide, "Blocking public access to your Amazon S3 storage", required permissions)."""

from orgboot.policy.guardrails.guardrail import Exemptable, Guardrail, OrgbootRoles, Statement, deny


def _statements(parameters: Exemptable, roles: OrgbootRoles) -> list[Statement]:
    return [
        deny("ProtectS3AccountPublicAccessBlock", "s3:PutAccountPublicAccessBlock", unless=(*roles.deployers, *parameters.exempt_roles))
    ]


GUARDRAIL = Guardrail(
    "protect-s3-public-access-block",
    "SERVICE_CONTROL_POLICY",
    "the account's S3 Block Public Access settings cannot be loosened",
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
    _statements,
    Exemptable,
)
