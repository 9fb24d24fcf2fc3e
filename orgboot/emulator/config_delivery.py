"""Whether AWS Config may deliver an account's configuration history and snapshots to a delivery
channel's bucket, decided by the policy evaluator against the bucket policy and the RCPs of the
bucket's account (RCPs restrict service principals too: policy evaluation fact 52).

AWS Config Developer Guide, "Permissions for the Amazon S3 Bucket for the AWS Config Delivery
Channel": a recorder with the service-linked role delivers as the config.amazonaws.com service
principal ("The AWS Config service-linked role does not have permission to put objects to Amazon S3
buckets ... AWS Config will use config.amazonaws.com as the service principal instead"), in this
account or another; it checks the bucket's ACL (s3:GetBucketAcl), that the bucket exists
(s3:ListBucket) and writes under [prefix/]AWSLogs/<account ID>/Config/ with the
bucket-owner-full-control ACL. PutDeliveryChannel refuses a bucket that does not exist
(NoSuchBucketException) or whose policy does not let Config write (InsufficientDeliveryPolicyException:
"Your Amazon S3 bucket policy does not allow Config to write to it", AWS Config API Reference)."""

import json
from collections.abc import Iterable
from typing import Any

from orgboot.aws.account_settings import SERVICE
from orgboot.aws.regions import PARTITION
from orgboot.emulator.aws import AwsAccount, management
from orgboot.emulator.delivery import FOREIGN_ACCOUNT, account_in, bucket_home
from orgboot.policy.evaluation import Applicable, ContextValue, Request, evaluate
from orgboot.policy.matching import Caller
from orgboot.policy.statements import PolicyRef, parse
from orgboot.state.organization import Organization, read_organization
from orgboot.state.pages import all_items

CONFIG = Caller(SERVICE, None, "service")
FOREIGN_ORGANIZATION = "o-foreign00000"


def delivery_problems(
    account_id: str, region: str, channel: dict[str, Any], organization: Organization, endpoint_url: str | None = None
) -> list[str]:
    """Why Config could not deliver `account_id`'s configuration in `region` through `channel`
    (PutDeliveryChannel's DeliveryChannel), or could deliver another organization's to its bucket."""
    aws = management(endpoint_url=endpoint_url)
    bucket = channel["s3BucketName"]
    home = bucket_home(aws, bucket)
    if home is None:
        return [f"NoSuchBucketException: the delivery channel's bucket {bucket} does not exist"]
    s3 = home.client("s3")
    try:
        policy = s3.get_bucket_policy(Bucket=bucket)["Policy"]
    except s3.exceptions.ClientError:
        policy = None
    document = parse(json.loads(policy), PolicyRef(f"bucket policy of {bucket}", "resource")) if policy else None
    rcps = organization.policies_for([home.account_id])
    bucket_arn = f"arn:{PARTITION}:s3:::{bucket}"
    prefix = f"{channel['s3KeyPrefix']}/" if channel.get("s3KeyPrefix") else ""

    def requests(source_account: str) -> Iterable[tuple[str, str, dict[str, str]]]:
        key = f"{prefix}AWSLogs/{source_account}/Config/{region}/2026/1/1/ConfigHistory/history.json.gz"
        yield "s3:GetBucketAcl", bucket_arn, {}
        yield "s3:ListBucket", bucket_arn, {}
        yield "s3:PutObject", f"{bucket_arn}/{key}", {"s3:x-amz-acl": "bucket-owner-full-control"}

    def allowed(source_account: str, source_org: str, action: str, resource: str, extra: dict[str, str]) -> Any:
        # Assumed, not documented (as for CloudTrail in delivery.py): services deliver over HTTPS.
        # The bucket's organization keys are in every request to it (policy evaluation fact 124).
        context: dict[str, ContextValue] = {
            "aws:SecureTransport": "true",
            "aws:ResourceOrgID": organization.id,
            "aws:ResourceOrgPaths": (organization.org_paths()[home.account_id],),
            "aws:SourceAccount": source_account,
            "aws:SourceOrgID": source_org,
            **extra,
        }
        return evaluate(Request(CONFIG, action, resource, home.account_id, context), Applicable(resource=document), rcps)

    problems = []
    for action, resource, extra in requests(account_id):
        decision = allowed(account_id, organization.id, action, resource, extra)
        if not decision.allowed:
            problems.append(
                f"InsufficientDeliveryPolicyException: Config may not {action} on {resource} for account {account_id}: {decision.why}"
            )
    for action, resource, extra in requests(FOREIGN_ACCOUNT):
        if allowed(FOREIGN_ACCOUNT, FOREIGN_ORGANIZATION, action, resource, extra).allowed and action == "s3:PutObject":
            problems.append(
                f"orgboot refuses: Config may deliver another organization's account ({FOREIGN_ACCOUNT}) to {bucket}; the"
                " Developer Guide's guard is an aws:SourceOrgID (or aws:SourceAccount) condition on every statement"
            )
    return problems


def all_delivery_problems(regions: Iterable[str], endpoint_url: str | None = None) -> list[str]:
    """delivery_problems of every delivery channel of every account of the organization in
    `regions`, as the bucket policies stand now."""
    aws = management(endpoint_url=endpoint_url)
    organization = read_organization(aws.client("organizations"), tags_wanted=False)
    listed = all_items(aws.client("organizations"), "list_accounts", "Accounts")
    accounts = [aws.account_id] + [a["Id"] for a in listed if a["Id"] != aws.account_id and a["Status"] == "ACTIVE"]
    problems = []
    for account_id in accounts:
        for region in sorted(set(regions)):
            account: AwsAccount = account_in(aws, account_id, region)
            for channel in account.client("config").describe_delivery_channels()["DeliveryChannels"]:
                found = delivery_problems(account_id, region, channel, organization, endpoint_url)
                problems += [f"{account_id} ({region}): {problem}" for problem in found]
    return problems
