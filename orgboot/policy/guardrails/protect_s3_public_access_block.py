"""The account-level S3 Block Public Access settings cannot be changed or removed. Both
PutPublicAccessBlock and DeletePublicAccessBlock on the account need s3:PutAccountPublicAccessBlock
(Amazon S3 User Guide, "Blocking public access to your Amazon S3 storage", required permissions).

Exempt: the account-settings function, through which orgboot turns Block Public Access on in every
account, when it does (security_baseline.s3_block_public_access; constructs/functions/account_settings.py),
its name protected by protect-orgboot-roles; otherwise nobody but `exempt_roles`: no incident is
answered by making an account's storage public.
"""

from orgboot.policy.guardrails.guardrail import Exemptable, Guardrail, OrgbootRoles, Statement, deny

SID = "ProtectS3AccountPublicAccessBlock"


def _statements(parameters: Exemptable, roles: OrgbootRoles) -> list[Statement]:
    function = roles.account_settings if roles.security_services else ()
    return [deny(SID, "s3:PutAccountPublicAccessBlock", unless=(*function, *parameters.exempt_principals))]


GUARDRAIL = Guardrail(
    "protect-s3-public-access-block",
    "SERVICE_CONTROL_POLICY",
    "the account's S3 Block Public Access settings cannot be loosened",
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
    _statements,
    Exemptable,
    (SID,),
)
