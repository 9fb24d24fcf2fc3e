"""AccountSettingsStack: the settings security_baseline keeps on in every account and region (S3
Block Public Access, EBS encryption by default, AWS Config recording), from the management account.

- Member accounts: one service-managed StackSet to the root, in every region the settings need
  (orgboot/spec/account_settings.py settings_regions), with auto-deployment, so accounts created
  later get them too (stacks/account_settings_template.py).
- The management account, which service-managed StackSets never reach ("StackSets doesn't deploy
  stack instances to the organization's management account, even if the management account is in
  your organization or in an OU in your organization", CloudFormation User Guide, "Create a stack set
  with service-managed permissions"): one SDK call per setting and region from this stack. An
  AwsSdkCall names its region, so one stack in the home region sets every region, where a stack
  per region would need the CDK bootstrap in each, and a self-managed StackSet roles of its own
  in the management account.
- AWS Config's bucket, in the account and region config.bucket_account and bucket_region give, and
  its organization aggregator in the delegated administrator: a StackSet each, to that one account
  (the root's accounts, narrowed to it: AccountFilterType INTERSECTION, so that moving the account
  between OUs moves nothing), after the registration the aggregator needs.
"""

from collections.abc import Mapping, Sequence
from typing import Any

import aws_cdk as cdk
from aws_cdk import Aws, CfnResource, Fn, Stack
from aws_cdk import custom_resources as cr

from orgboot.aws import account_settings as names
from orgboot.aws.stacksets import ACCOUNT_SETTINGS_STACK_SET, CONFIG_AGGREGATOR_STACK_SET, CONFIG_BUCKET_STACK_SET
from orgboot.spec import OrgSpec, layout, logical_ids
from orgboot.spec.account_settings import ConfigRecording, global_region, records, settings_regions, turned_on
from orgboot.spec.roles import RolloutSettings
from orgboot.spec.security import SecurityBaseline
from stacks.account_settings_template import account_settings_template, config_aggregator_template, config_bucket_template
from stacks.accounts_stack import account_id_reference
from stacks.organization_stack import OrganizationStack

from constructs import Construct, IDependable
from constructs.account_settings import BLOCK_ALL, CONFIG_BUCKET_PARAMETER, MemberSettings
from constructs.config_central import ORGANIZATION_PARAMETER
from constructs.role_stack_set import RoleStackSet, stack_sets_trusted_access
from constructs.sdk_call import sdk_call_resource


class AccountSettingsStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        baseline: SecurityBaseline,
        regions: Sequence[str],
        root_id: str,
        organization_id: str,
        account_ids: Mapping[str, str],
        rollout: RolloutSettings,
        **kwargs: Any,
    ) -> None:
        """`regions`: where the regional settings go (OrgSpec.security_regions); `root_id`: the
        organization root, which the StackSets target; `account_ids`: the IDs of the accounts
        Config's bucket and aggregator go to, by key; `rollout`: how StackSets roll out
        (member_roles.rollout)."""
        super().__init__(scope, id, description="orgboot: security settings in every account and region", **kwargs)
        if not turned_on(baseline):
            # CloudFormation needs a resource in a stack; the stack keeps its place until a setting is on.
            CfnResource(self, "Empty", type="AWS::CloudFormation::WaitConditionHandle")
            return
        self._root_id, self._rollout, self._regions = root_id, rollout, list(regions)
        self._global_region = global_region(regions)
        # This stack deploys before MemberRolesStack, which activates StackSets' trusted access too.
        # Organizations refuses concurrent changes: each write waits for the one before.
        self._last_write: IDependable = stack_sets_trusted_access(
            self, "StackSetsTrustedAccess", logical_id=logical_ids.ACCOUNT_SETTINGS_TRUSTED_ACCESS
        )
        parameters: dict[str, str] = {}
        bucket, bucket_stack_set = None, None
        if baseline.config is not None:
            bucket_key = baseline.config.bucket_account or baseline.delegated_administrator
            assert bucket_key is not None
            assert baseline.delegated_administrator is not None
            bucket, bucket_stack_set = self._config_bucket(baseline.config, account_ids[bucket_key], organization_id)
            self._config_aggregator(account_ids[baseline.delegated_administrator])
        if bucket is not None and records(baseline):
            parameters[CONFIG_BUCKET_PARAMETER] = bucket
        if regions_of_members := settings_regions(baseline, regions):
            settings = MemberSettings(
                s3_block_public_access=baseline.s3_block_public_access,
                ebs_encryption=baseline.ebs_encryption,
                config=records(baseline),
                global_region=self._global_region,
            )
            members = self._stack_set(
                "Members",
                name=ACCOUNT_SETTINGS_STACK_SET,
                logical_id=logical_ids.ACCOUNT_SETTINGS_STACK_SET,
                description="orgboot: security settings in every member account and region (security_baseline)",
                template=account_settings_template(settings),
                regions=regions_of_members,
                parameters=parameters,
            )
            if bucket_stack_set is not None:
                members.node.add_dependency(bucket_stack_set)  # the recorders deliver there
        # The management account's own settings. Block Public Access and EBS encryption have no
        # delete step: as in the members' function (constructs/functions/account_settings.py),
        # turning them off leaves them as they are.
        if baseline.s3_block_public_access:
            block = cr.AwsSdkCall(
                service="S3Control",
                action="putPublicAccessBlock",
                parameters={"AccountId": Aws.ACCOUNT_ID, "PublicAccessBlockConfiguration": BLOCK_ALL},
                physical_resource_id=cr.PhysicalResourceId.of("s3-account-public-access-block"),
            )
            sdk_call_resource(
                self, "S3AccountPublicAccessBlock", logical_id=logical_ids.S3_ACCOUNT_PUBLIC_ACCESS_BLOCK, on_create=block, on_update=block
            )
        if baseline.ebs_encryption:
            for region in regions:
                encrypt = cr.AwsSdkCall(
                    service="EC2",
                    action="enableEbsEncryptionByDefault",
                    region=region,
                    physical_resource_id=cr.PhysicalResourceId.of(f"ebs-encryption-by-default-{region}"),
                )
                sdk_call_resource(
                    self,
                    f"EbsEncryptionByDefault-{region}",
                    logical_id=logical_ids.ebs_encryption_by_default(region),
                    on_create=encrypt,
                    on_update=encrypt,
                )
        if bucket is not None and bucket_stack_set is not None and records(baseline):
            self._management_recorders(bucket, after=bucket_stack_set)

    def _stack_set(
        self,
        id: str,
        *,
        name: str,
        logical_id: str,
        description: str,
        template: dict[str, Any],
        regions: Sequence[str],
        accounts: Sequence[str] = (),
        parameters: Mapping[str, str] = {},
    ) -> CfnResource:
        stack_set = RoleStackSet(
            self,
            id,
            stack_set_name=name,
            logical_id=logical_id,
            description=description,
            template=template,
            organizational_unit_ids=[self._root_id],
            accounts=accounts,
            regions=regions,
            parameters=parameters,
            max_concurrent_percentage=self._rollout.max_concurrent_percentage,
            failure_tolerance_percentage=self._rollout.failure_tolerance_percentage,
            retain_stacks_on_account_removal=False,
        )
        stack_set.node.add_dependency(self._last_write)  # after the trusted access (and what follows it)
        return stack_set.stack_set

    def _config_bucket(self, config: ConfigRecording, account_id: str, organization_id: str) -> tuple[str, CfnResource]:
        region = config.bucket_region or self._global_region
        stack_set = self._stack_set(
            "ConfigBucket",
            name=CONFIG_BUCKET_STACK_SET,
            logical_id=logical_ids.CONFIG_BUCKET_STACK_SET,
            description="orgboot: the bucket AWS Config delivers to from every account and region",
            template=config_bucket_template(config.retention_days),
            regions=[region],
            accounts=[account_id],
            parameters={ORGANIZATION_PARAMETER: organization_id},
        )
        return names.bucket_name(account_id, region), stack_set

    def _config_aggregator(self, administrator_id: str) -> None:
        """Trusted access for Config, then the delegated administrator's registration, then the
        aggregator ("Setting Up an Aggregator Using the AWS Command Line Interface", AWS Config
        Developer Guide: an organization aggregator in a member account needs it registered as
        delegated administrator for config.amazonaws.com, which needs trusted access). Trusted
        access stays when Config is turned off: Organizations advises disabling it through the
        service itself (Organizations API Reference, DisableAWSServiceAccess); the registration
        goes."""
        enable = cr.AwsSdkCall(
            service="Organizations",
            action="enableAWSServiceAccess",
            parameters={"ServicePrincipal": names.SERVICE},
            physical_resource_id=cr.PhysicalResourceId.of(f"{names.SERVICE}-trusted-access"),
        )
        self._in_turn(sdk_call_resource(self, "ConfigTrustedAccess", logical_id=logical_ids.CONFIG_TRUSTED_ACCESS, on_create=enable))
        registration = {"AccountId": administrator_id, "ServicePrincipal": names.SERVICE}
        register = cr.AwsSdkCall(
            service="Organizations",
            action="registerDelegatedAdministrator",
            parameters=registration,
            physical_resource_id=cr.PhysicalResourceId.of(f"{names.SERVICE}-delegated-administrator"),
        )
        deregister = cr.AwsSdkCall(service="Organizations", action="deregisterDelegatedAdministrator", parameters=registration)
        self._in_turn(
            sdk_call_resource(
                self,
                "ConfigDelegatedAdministrator",
                logical_id=logical_ids.CONFIG_DELEGATED_ADMINISTRATOR,
                on_create=register,
                on_delete=deregister,
            )
        )
        self._stack_set(
            "ConfigAggregator",
            name=CONFIG_AGGREGATOR_STACK_SET,
            logical_id=logical_ids.CONFIG_AGGREGATOR_STACK_SET,
            description="orgboot: AWS Config's organization aggregator in the delegated administrator",
            template=config_aggregator_template(self._regions),
            regions=[self._global_region],
            accounts=[administrator_id],
        )

    def _management_recorders(self, bucket: str, after: CfnResource) -> None:
        """The management account's recorders, as the members' (constructs/account_settings.py):
        Config's service-linked role (kept if it exists: "has been taken", InvalidInput), then in
        each region the recorder, its delivery channel and recording, each step undone in reverse
        when Config is turned off."""
        service_linked_role = sdk_call_resource(
            self,
            "ConfigServiceLinkedRole",
            logical_id=logical_ids.CONFIG_SERVICE_LINKED_ROLE,
            on_create=cr.AwsSdkCall(
                service="IAM",
                action="createServiceLinkedRole",
                parameters={"AWSServiceName": names.SERVICE},
                physical_resource_id=cr.PhysicalResourceId.of("config-service-linked-role"),
                ignore_error_codes_matching="InvalidInput",
            ),
        )
        role_arn = Fn.sub(names.SERVICE_LINKED_ROLE_ARN)
        for region in self._regions:
            recorder = {
                "name": names.RECORDER,
                "roleARN": role_arn,
                "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": region == self._global_region},
            }
            put_recorder = cr.AwsSdkCall(
                service="ConfigService",
                action="putConfigurationRecorder",
                parameters={"ConfigurationRecorder": recorder},
                region=region,
                physical_resource_id=cr.PhysicalResourceId.of(f"config-recorder-{region}"),
            )
            steps = [
                sdk_call_resource(
                    self,
                    f"ConfigRecorder-{region}",
                    logical_id=logical_ids.config_recorder(region),
                    on_create=put_recorder,
                    on_update=put_recorder,
                    on_delete=self._config_call("deleteConfigurationRecorder", {"ConfigurationRecorderName": names.RECORDER}, region),
                )
            ]
            channel = {"name": names.DELIVERY_CHANNEL, "s3BucketName": bucket}
            put_channel = cr.AwsSdkCall(
                service="ConfigService",
                action="putDeliveryChannel",
                parameters={"DeliveryChannel": channel},
                region=region,
                physical_resource_id=cr.PhysicalResourceId.of(f"config-delivery-channel-{region}"),
            )
            steps.append(
                sdk_call_resource(
                    self,
                    f"ConfigDeliveryChannel-{region}",
                    logical_id=logical_ids.config_delivery_channel(region),
                    on_create=put_channel,
                    on_update=put_channel,
                    on_delete=self._config_call("deleteDeliveryChannel", {"DeliveryChannelName": names.DELIVERY_CHANNEL}, region),
                )
            )
            start = self._config_call("startConfigurationRecorder", {"ConfigurationRecorderName": names.RECORDER}, region, "recording")
            steps.append(
                sdk_call_resource(
                    self,
                    f"ConfigRecording-{region}",
                    logical_id=logical_ids.config_recording(region),
                    on_create=start,
                    on_update=start,
                    on_delete=self._config_call("stopConfigurationRecorder", {"ConfigurationRecorderName": names.RECORDER}, region),
                )
            )
            steps[0].node.add_dependency(service_linked_role)
            steps[1].node.add_dependency(steps[0], after)  # PutDeliveryChannel needs the recorder and the bucket
            steps[2].node.add_dependency(steps[1])  # StartConfigurationRecorder needs the channel

    @staticmethod
    def _config_call(action: str, parameters: dict[str, Any], region: str, physical: str | None = None) -> cr.AwsSdkCall:
        return cr.AwsSdkCall(
            service="ConfigService",
            action=action,
            parameters=parameters,
            region=region,
            physical_resource_id=cr.PhysicalResourceId.of(f"config-{physical}-{region}") if physical else None,
        )

    def _in_turn(self, construct: Construct) -> None:
        construct.node.add_dependency(self._last_write)
        self._last_write = construct


def account_settings_stack(
    app: cdk.App, spec: OrgSpec, organization: OrganizationStack, account_stacks: Sequence[Stack], env: cdk.Environment
) -> Stack:
    """AccountSettingsStack, whatever security_baseline turns on: a stack that left the app would
    stay deployed as it was (`cdk deploy` deletes no stack), its StackSet still reaching new
    accounts, where one that stays and lets go of its resources deletes them. `account_stacks`
    hold the accounts (OrganizationStack and the account stacks)."""
    config = spec.security_baseline.config
    keys = {key for key in (config.bucket_account, spec.security_baseline.delegated_administrator) if key} if config else set()
    holders = {stack.node.id: stack for stack in account_stacks}
    return AccountSettingsStack(
        app,
        layout.ACCOUNT_SETTINGS_STACK,
        baseline=spec.security_baseline,
        regions=spec.security_regions,
        root_id=organization.root.root_id,
        organization_id=organization.root.organization_id,
        account_ids={
            key: account_id_reference(holders[layout.account_stack(key, spec.organization.account_stacks)], key) for key in sorted(keys)
        },
        rollout=spec.member_roles.rollout,
        env=env,
    )
