"""An account's alternate contacts, contact information and billing settings cannot be changed from
inside it: AWS writes to these contacts about security and billing (Account Management Reference
Guide, "Update the alternate contacts for your AWS account"; Billing User Guide, "Using
identity-based policies (IAM policies) for AWS Billing", the fine-grained billing actions).

Exempt: nobody but `exempt_roles`. orgboot sets no contact from inside an account, and break-glass
need not: the management account updates a member account's alternate contacts and contact
information with the AccountId parameter (Account Management API Reference, PutAlternateContact
and PutContactInformation), and it pays for every member account (consolidated billing).
"""

from orgboot.policy.guardrails.guardrail import Exemptable, Guardrail, OrgbootRoles, Statement, deny

SID = "ProtectAccountSettings"
SETTINGS_CHANGES = (
    "account:PutAlternateContact",
    "account:DeleteAlternateContact",
    "account:PutContactInformation",
    "billing:PutContractInformation",
    "billing:UpdateBillingPreferences",
    "payments:UpdatePaymentPreferences",
    "aws-portal:ModifyAccount",
    "aws-portal:ModifyBilling",
    "aws-portal:ModifyPaymentMethods",
)


def _statements(parameters: Exemptable, _: OrgbootRoles) -> list[Statement]:
    return [deny(SID, SETTINGS_CHANGES, unless=parameters.exempt_principals)]


GUARDRAIL = Guardrail(
    "protect-account-settings",
    "SERVICE_CONTROL_POLICY",
    "alternate contacts and billing settings stay as the organization set them",
    "https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-contact-alternate.html",
    _statements,
    Exemptable,
    (SID,),
)
