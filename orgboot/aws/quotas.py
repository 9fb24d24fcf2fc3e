"""AWS quotas and formats org.yaml must respect, as data (one place to update when AWS changes).

Sources: AWS Organizations quotas page; the CreateAccount, CreateOrganizationalUnit and
CreateAccountAlias API references; IAM quotas ("IAM and AWS STS quotas"); CloudFormation quotas;
the AWS::CloudFormation::StackSet resource reference (TemplateBody).
"""

MAX_OU_DEPTH = 5  # OU levels below the root
OU_NAME_MAX = 128
ACCOUNT_NAME_PATTERN = r"^[\x20-\x7E]{1,50}$"  # 1-50 printable ASCII
# CreateAccount Email (Organizations API Reference): 7-bit ASCII; one @; the local name without
# whitespace " ' ( ) < [ ] : ; , \ | % & and not starting with a dot; the domain of letters,
# digits, hyphens and dots, with a dot, not starting or ending with a hyphen or dot.
EMAIL_PATTERN = r"^(?!\.)[!#$*+\-./0-9=>?A-Z^_`a-z{}~]+@(?![.-])[A-Za-z0-9-]*(\.[A-Za-z0-9-]+)+(?<![.-])$"
EMAIL_MIN, EMAIL_MAX = 6, 64
ROLE_NAME_PATTERN = r"^[\w+=,.@-]{1,64}$"
IAM_NAME_PATTERN = r"^[\w+=,.@-]+$"
IAM_ROLE_NAME_MAX, IAM_GROUP_NAME_MAX = 64, 128
# IAM API Reference, CreateAccountAlias: 3-63 characters, no leading, trailing or doubled hyphen.
# CloudTrail API Reference, CreateTrail Name: ASCII letters, digits, '.', '_', '-'; starts and ends
# with a letter or digit; 3-128 characters; no adjacent '.', '_' or '-'; not an IP address.
TRAIL_NAME_PATTERN = r"^(?=.{3,128}$)[A-Za-z0-9]+([._-][A-Za-z0-9]+)*$"
ACCOUNT_ALIAS_PATTERN = r"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$"
POLICY_DESCRIPTION_MAX = 512
POLICY_NAME_MAX = 128  # Organizations API Reference, CreatePolicy Name: 1-128 characters
# An AWS account ID: 12 digits (Organizations API Reference, Account Id pattern ^\d{12}$).
ACCOUNT_ID_PATTERN = r"^\d{12}$"
TAG_KEY_MAX, TAG_VALUE_MAX, TAGS_PER_RESOURCE = 128, 256, 50
ROLE_INLINE_POLICIES_MAX = 10_240  # all inline policies of one IAM role together, minified
GROUP_INLINE_POLICIES_MAX = 5_120  # all inline policies of one IAM group together ("IAM and AWS STS quotas")
# Managed policies attached to one role or group ("IAM and AWS STS quotas"): 10 by default; a role's
# can be raised per account, but member roles land in every account of their OUs, raised or not.
ROLE_MANAGED_POLICIES_MAX = 10
GROUP_MANAGED_POLICIES_MAX = 10
# Longest IDs AWS gives (Organizations API reference: OrganizationId, RootId, OrganizationalUnitId
# patterns), to size documents that hold organization paths before the IDs exist.
LONGEST_ORG_ID, LONGEST_ROOT_ID, LONGEST_OU_ID = "o-" + "x" * 32, "r-" + "x" * 32, "ou-" + "x" * 32 + "-" + "x" * 32
ROLE_SESSION_HOURS = (1, 12)
STACKSET_TEMPLATE_BODY_MAX = 51_200  # bytes of TemplateBody in AWS::CloudFormation::StackSet
# CloudFormation quotas ("CloudFormation quotas", User Guide): resources, outputs and parameters
# per template, and a template's size (the CDK CLI uploads templates to S3: 1 MB there).
STACK_RESOURCES_MAX = 500
STACK_OUTPUTS_MAX = 200
STACK_PARAMETERS_MAX = 200
TEMPLATE_SIZE_MAX = 1_000_000
# "The total combined size of the response body can't exceed 4096 bytes" (CloudFormation User
# Guide, "Custom resource response objects").
CUSTOM_RESOURCE_RESPONSE_MAX = 4096

# Accounts in one organization, the management account included (AWS Organizations User Guide,
# "Quotas and service limits for AWS Organizations": "Default maximum number of accounts", 10, "and
# newly created accounts and organizations might have a quota lower than the default"; invitations
# and closed accounts count until they leave). Adjustable on request from the management account,
# in us-east-1: Service Quotas quota code L-E619E033 of service code organizations (the Service
# Quotas console's "Default maximum number of accounts"; cloudposse/docs,
# docs/layers/accounts/prepare-aws-organization.mdx). The quotas page warns that quota codes can
# change: ListServiceQuotas --service-code organizations gives the current one.
ACCOUNTS_PER_ORGANIZATION_DEFAULT = 10
ACCOUNTS_QUOTA_CODE = "L-E619E033"
ACCOUNTS_QUOTA_SERVICE_CODE = "organizations"
