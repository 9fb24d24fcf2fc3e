"""management_baseline.organization_trail as the constructs take it: the trail in the management
account, its logs there or, with log_archive, in the log archive account and region, put there by a
StackSet that the trail waits for."""

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Aws, Stack

from orgboot.aws.trail_logs import LOG_ARCHIVE_STACK_SET, key_alias_arn, log_bucket_name, trail_arn
from orgboot.spec import OrgSpec, layout, logical_ids
from orgboot.spec.baseline import OrganizationTrail as TrailSpec
from stacks.accounts_stack import account_id_reference
from stacks.log_archive_template import LOG_STORE_LOGICAL_IDS, MANAGEMENT_ACCOUNT_PARAMETER, ORGANIZATION_ID_PARAMETER, log_archive_template

from constructs import IDependable
from constructs.organization_trail import CloudWatchLogsDelivery, OrganizationTrail, TrailLogicalIds
from constructs.role_stack_set import RoleStackSet, stack_sets_trusted_access
from constructs.trail_log_store import Retention, TrailLogStore


@dataclass(frozen=True)
class LogArchiveTarget:
    """The log archive account as the StackSet targets it: its ID and the organization root's."""

    account_id: str
    root_id: str


def add_organization_trail(
    stack: Stack,
    trail: TrailSpec,
    *,
    organization_id: str,
    log_archive: LogArchiveTarget | None,
    cloud_watch_logs: CloudWatchLogsDelivery | None,
) -> OrganizationTrail:
    """`log_archive`: where trail.log_archive is given, its account."""
    writes_before: IDependable | None = None  # what writes to Organizations before the trail's trusted access
    log_store: IDependable
    arn = trail_arn(stack.account, stack.region, trail.name)
    retention = Retention(
        trail.retention.glacier_after_days if trail.retention else None,
        trail.retention.expire_after_days if trail.retention else None,
    )
    if trail.log_archive is None:
        store = TrailLogStore(
            stack,
            "OrganizationTrailLogs",
            trail_arn=arn,
            trail_account=stack.account,
            organization_id=organization_id,
            logical_ids=LOG_STORE_LOGICAL_IDS,
            retention=retention,
        )
        bucket_name, key_id, log_store = store.bucket.bucket_name, store.key.attr_arn, store.bucket_policy
    else:
        if log_archive is None:
            raise ValueError("the log archive account's ID is needed to place the trail's logs there")
        region = trail.log_archive.region
        # The StackSet is created while this stack deploys, before the trail: CloudFormation's trusted
        # access in Organizations must be on by then (MemberRolesStack, deployed later, turns it on too).
        trusted_access = stack_sets_trusted_access(stack, "LogArchiveTrustedAccess", logical_id=logical_ids.LOG_ARCHIVE_TRUSTED_ACCESS)
        # Targeted through the organization root, narrowed to the account (AccountFilterType
        # INTERSECTION): the target is the same wherever the account moves between OUs, where a
        # target OU would change with it, and the StackSet provider deletes the instances of a
        # target it no longer has before creating the new one's (aws-cloudformation-resource-
        # providers-cloudformation, stackset InstancesAnalyzer.analyzeForUpdate), whose bucket names
        # the retained buckets would still hold.
        stack_set = RoleStackSet(
            stack,
            "LogArchive",
            stack_set_name=LOG_ARCHIVE_STACK_SET,
            logical_id=logical_ids.LOG_ARCHIVE_STACK_SET,
            description="orgboot: the organization trail's KMS key, log bucket and access-log bucket",
            template=log_archive_template(trail.name, retention),
            organizational_unit_ids=[log_archive.root_id],
            accounts=[log_archive.account_id],
            regions=[region],
            parameters={MANAGEMENT_ACCOUNT_PARAMETER: Aws.ACCOUNT_ID, ORGANIZATION_ID_PARAMETER: organization_id},
            max_concurrent_percentage=100,
            failure_tolerance_percentage=0,
            # The account leaving the organization leaves its logs where they are.
            retain_stacks_on_account_removal=True,
        )
        stack_set.node.add_dependency(trusted_access)
        writes_before = trusted_access
        bucket_name = log_bucket_name(log_archive.account_id, region)
        # The key is in the bucket's region: CreateTrail refuses a key in another region than the
        # bucket's (KmsKeyNotFoundException, CloudTrail API Reference).
        key_id = key_alias_arn(log_archive.account_id, region)
        log_store = stack_set
    organization_trail = OrganizationTrail(
        stack,
        "OrganizationTrail",
        trail_name=trail.name,
        bucket_name=bucket_name,
        kms_key_id=key_id,
        log_store=log_store,
        logical_ids=TrailLogicalIds(trail=logical_ids.TRAIL, trusted_access=logical_ids.CLOUDTRAIL_TRUSTED_ACCESS),
        cloud_watch_logs=cloud_watch_logs,
    )
    if writes_before is not None:
        # Organizations refuses concurrent changes (ConcurrentModificationException): one trusted access at a time.
        organization_trail.trusted_access.node.add_dependency(writes_before)
    return organization_trail


def log_archive_target(spec: OrgSpec, account_stacks: Sequence[Stack], root_id: str) -> LogArchiveTarget | None:
    """The log archive account of management_baseline.organization_trail.log_archive, if it names
    one: its ID read from the stack that holds it (`account_stacks`: OrganizationStack and the
    account stacks)."""
    trail = spec.management_baseline.organization_trail
    if trail is None or trail.log_archive is None:
        return None
    key = trail.log_archive.account
    holder = next(stack for stack in account_stacks if stack.node.id == layout.account_stack(key, spec.organization.account_stacks))
    return LogArchiveTarget(account_id=account_id_reference(holder, key), root_id=root_id)
