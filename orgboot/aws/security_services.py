"""The security services an organization runs through a delegated administrator (GuardDuty, Security
Hub, IAM Access Analyzer): their service principals, what CloudFormation has a type for and what
it does not, and Security Hub's standards, each with its source.

CloudFormation types (the registry schemas cfn-lint 1.58.0 ships): AWS::AccessAnalyzer::Analyzer
(Type ORGANIZATION), AWS::GuardDuty::Detector, AWS::SecurityHub::Hub, FindingAggregator,
OrganizationConfiguration, ConfigurationPolicy, PolicyAssociation and DelegatedAdmin. There is no
type for Organizations' trusted access (EnableAWSServiceAccess) or delegated administrators
(RegisterDelegatedAdministrator), for GuardDuty's delegated administrator
(EnableOrganizationAdminAccount, one per region, from the management account only: GuardDuty API
Reference) or for its organization configuration (UpdateOrganizationConfiguration, from the
delegated administrator: same) or members (CreateMembers).
"""

from orgboot.aws.regions import PARTITION

GUARDDUTY = "guardduty.amazonaws.com"
SECURITY_HUB = "securityhub.amazonaws.com"
ACCESS_ANALYZER = "access-analyzer.amazonaws.com"

# Security Hub's standards by the name their ARN ends with, as configuration policies enable them:
# arn:aws:securityhub:<region>::standards/<name> (Security Hub User Guide, "Standards reference";
# CIS v5.0.0 since Security Hub CSPM supported it, same form).
CIS_5 = "cis-aws-foundations-benchmark/v/5.0.0"
FOUNDATIONAL = "aws-foundational-security-best-practices/v/1.0.0"
STANDARDS = {CIS_5: "CIS AWS Foundations Benchmark v5.0.0", FOUNDATIONAL: "AWS Foundational Security Best Practices v1.0.0"}
SHORT_NAMES = {CIS_5: "CIS 5.0", FOUNDATIONAL: "FSBP"}


def standard_arn(region: str, standard: str) -> str:
    return f"arn:{PARTITION}:securityhub:{region}::standards/{standard}"


# The organization's analyzer in the delegated administrator, one per region.
ORGANIZATION_ANALYZER = "orgboot-organization"
