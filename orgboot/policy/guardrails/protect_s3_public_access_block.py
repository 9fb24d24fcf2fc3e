"""The account-level S3 Block Public Access settings cannot be changed or removed. Both
PutPublicAccessBlock and DeletePublicAccessBlock on the account need s3:PutAccountPublicAccessBlock
(Amazon S3 User Guide, "Blocking public access to your Amazon S3 storage", required permissions).

Exempt: nobody but `exempt_roles`. orgboot's StackSets deploy roles only, never these settings,
and no incident is answered by making an account's storage public.
"""

from orgboot.policy.guardrails.guardrail import Exemptable, Guardrail, OrgbootRoles, Statement, deny

SID = "ProtectS3AccountPublicAccessBlock"


def _statements(parameters: Exemptable, _: OrgbootRoles) -> list[Statement]:
    return [deny(SID, "s3:PutAccountPublicAccessBlock", unless=parameters.exempt_roles)]


GUARDRAIL = Guardrail(
    "protect-s3-public-access-block",
    "SERVICE_CONTROL_POLICY",
    "the account's S3 Block Public Access settings cannot be loosened",
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
    _statements,
    Exemptable,
    (SID,),
)
