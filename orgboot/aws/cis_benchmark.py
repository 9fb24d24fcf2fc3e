"""CIS Amazon Web Services Foundations Benchmark v5.0.0: the recommendations an account bootstrapper
owns, by their 5.0 numbers and titles. orgboot/analysis/cis.py decides each from a spec.

CIS publishes the benchmark as a registration-only PDF. The numbers and titles here are the 5.0
ones as two audit tools reproduce them, which agree: prowler (prowler-cloud/prowler,
prowler/compliance/aws/cis_5.0_aws.json, "CIS Amazon Web Services Foundations Benchmark v5.0.0")
and Steampipe (turbot/steampipe-mod-aws-compliance, cis_v500/section_1.pp to section_5.pp). AWS
Security Hub runs the same version as its "CIS AWS Foundations Benchmark v5.0.0" standard.

5.0 dropped the security-questions recommendation (1.3 until 4.0), so section 1 numbers one lower
than in 3.0 and 4.0: the password length is 1.7, the full-administrator policy 1.15, the support
role 1.16, IAM Access Analyzer 1.19. EBS encryption by default is 5.1.1 since 4.0; 2.2.1 is RDS
encryption at rest.

Which are here: every recommendation of section 1 (identity, contacts, the root user), the S3
recommendations that hold for a whole account (2.1.1 and 2.1.4), 2.2.1, all of section 3 (logging)
and 4 (monitoring), and 5.1.1 (EBS encryption by default, an account setting). 4.1 to 4.15 are the
metric filters of cis_monitoring.py, read from there. The rest of sections 2 and 5 concern the
workloads' own buckets, databases, file systems and networks.
"""

from dataclasses import dataclass

from orgboot.aws import cis_monitoring

PROWLER = "prowler-cloud/prowler, prowler/compliance/aws/cis_5.0_aws.json"
STEAMPIPE = "turbot/steampipe-mod-aws-compliance, cis_v500/section_{}.pp"

# What 1.7 and 1.8 ask of the IAM password policy: "Set 'Minimum password length' to 14 or greater"
# and "Set Number of passwords to remember is set to 24" (their remediation, in both sources).
MINIMUM_PASSWORD_LENGTH = 14
PASSWORDS_REMEMBERED = 24


@dataclass(frozen=True)
class Recommendation:
    number: str  # "1.7", "2.1.4"
    title: str
    source: str

    @property
    def order(self) -> tuple[int, ...]:
        """The number as the benchmark orders it: 1.9 before 1.10."""
        return tuple(int(part) for part in self.number.split("."))


def _benchmark(number: str, title: str) -> Recommendation:
    section = number.split(".")[0]
    return Recommendation(number, title, f"CIS AWS Foundations Benchmark v5.0.0, as {PROWLER} and {STEAMPIPE.format(section)} give it")


def _monitoring(control: cis_monitoring.CisControl) -> Recommendation:
    return Recommendation(control.number, control.title, f"{control.source}; numbered as in {PROWLER} and {STEAMPIPE.format(4)}")


RECOMMENDATIONS: tuple[Recommendation, ...] = (
    _benchmark("1.1", "Maintain current contact details"),
    _benchmark("1.2", "Ensure security contact information is registered"),
    _benchmark("1.3", "Ensure no 'root' user account access key exists"),
    _benchmark("1.4", "Ensure MFA is enabled for the 'root' user account"),
    _benchmark("1.5", "Ensure hardware MFA is enabled for the 'root' user account"),
    _benchmark("1.6", "Eliminate use of the 'root' user for administrative and daily tasks"),
    _benchmark("1.7", "Ensure IAM password policy requires minimum length of 14 or greater"),
    _benchmark("1.8", "Ensure IAM password policy prevents password reuse"),
    _benchmark("1.9", "Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password"),
    _benchmark("1.10", "Do not create access keys during initial setup for IAM users with a console password"),
    _benchmark("1.11", "Ensure credentials unused for 45 days or more are disabled"),
    _benchmark("1.12", "Ensure there is only one active access key for any single IAM user"),
    _benchmark("1.13", "Ensure access keys are rotated every 90 days or less"),
    _benchmark("1.14", "Ensure IAM users receive permissions only through groups"),
    _benchmark("1.15", 'Ensure IAM policies that allow full "*:*" administrative privileges are not attached'),
    _benchmark("1.16", "Ensure a support role has been created to manage incidents with AWS Support"),
    _benchmark("1.17", "Ensure IAM instance roles are used for AWS resource access from instances"),
    _benchmark("1.18", "Ensure that all expired SSL/TLS certificates stored in AWS IAM are removed"),
    _benchmark("1.19", "Ensure that IAM External Access Analyzer is enabled for all regions"),
    _benchmark(
        "1.20", "Ensure IAM users are managed centrally via identity federation or AWS Organizations for multi-account environments"
    ),
    _benchmark("1.21", "Ensure access to AWSCloudShellFullAccess is restricted"),
    _benchmark("2.1.1", "Ensure S3 Bucket Policy is set to deny HTTP requests"),
    _benchmark("2.1.4", "Ensure that S3 is configured with 'Block Public Access' enabled"),
    _benchmark("2.2.1", "Ensure that encryption-at-rest is enabled for RDS instances"),
    _benchmark("3.1", "Ensure CloudTrail is enabled in all regions"),
    _benchmark("3.2", "Ensure CloudTrail log file validation is enabled"),
    _benchmark("3.3", "Ensure AWS Config is enabled in all regions"),
    _benchmark("3.4", "Ensure that server access logging is enabled on the CloudTrail S3 bucket"),
    _benchmark("3.5", "Ensure CloudTrail logs are encrypted at rest using KMS CMKs"),
    _benchmark("3.6", "Ensure rotation for customer-created symmetric CMKs is enabled"),
    _benchmark("3.7", "Ensure VPC flow logging is enabled in all VPCs"),
    _benchmark("3.8", "Ensure that object-level logging for write events is enabled for S3 buckets"),
    _benchmark("3.9", "Ensure that object-level logging for read events is enabled for S3 buckets"),
    *(_monitoring(control) for control in cis_monitoring.CONTROLS),
    _benchmark("4.16", "Ensure AWS Security Hub is enabled"),
    _benchmark("5.1.1", "Ensure EBS volume encryption is enabled in all regions"),
)
