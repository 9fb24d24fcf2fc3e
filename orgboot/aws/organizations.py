"""Names AWS Organizations gives things."""

# The role AWS creates in every account it creates, trusted by the management account
# (CreateAccount API reference, RoleName).
ACCESS_ROLE = "OrganizationAccountAccessRole"
ROOT = "Root"  # how org.yaml (and this tool) names the organization root

# Service principals given trusted access in Organizations (EnableAWSServiceAccess): "AWS
# services that you can use with AWS Organizations" in the Organizations User Guide.
STACKSETS_SERVICE_PRINCIPAL = "member.org.stacksets.cloudformation.amazonaws.com"
CLOUDTRAIL_SERVICE_PRINCIPAL = "cloudtrail.amazonaws.com"
# AWS Account Management: with its trusted access the management account sets member accounts'
# alternate contacts (Account Management Reference Guide, "Enable trusted access for AWS Account Management").
ACCOUNT_MANAGEMENT_SERVICE_PRINCIPAL = "account.amazonaws.com"
# IAM Identity Center: enabling it (a console step) turns on its trusted access (Organizations User
# Guide, "AWS IAM Identity Center and AWS Organizations").
IDENTITY_CENTER_SERVICE_PRINCIPAL = "sso.amazonaws.com"
