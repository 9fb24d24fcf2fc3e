"""SecurityServicesStack: the security services a delegated administrator runs for the whole
organization (security_baseline: guardduty, security_hub, access_analyzer), from the management
account, in the home region.

What only the management account can do is here, one SDK call each where CloudFormation has no
type (orgboot/aws/security_services.py): the trusted access of each service in Organizations and
the registration of the delegated administrator. What the delegated administrator does is a
service-managed StackSet per service that targets its account alone (its OU, narrowed to it by
AccountFilterType INTERSECTION: CloudFormation API Reference, "DeploymentTargets"), in every region
of security_baseline.regions. One StackSet per service, so that each is turned on and off, and
fails, on its own; turned off, its StackSet is deleted (its stack instances and their resources
with it), then the registration (its delete step deregisters the administrator).

Every step writes to Organizations, which refuses concurrent changes: each waits for the one before.
"""

from collections.abc import Sequence
from typing import Any

import aws_cdk as cdk
from aws_cdk import CfnResource, Stack
from aws_cdk import custom_resources as cr

from orgboot.aws import security_services as services
from orgboot.aws.stacksets import security_service_stack_set_name
from orgboot.spec import ROOT, OrgSpec, layout, logical_ids
from orgboot.spec.roles import RolloutSettings
from orgboot.spec.security import SecurityBaseline
from orgboot.spec.security_services import SecurityHub, security_hub_home
from stacks.accounts_stack import account_id_reference
from stacks.security_service_templates import ROOT_ID_PARAMETER, access_analyzer_template, guardduty_template, security_hub_template

from constructs import Construct
from constructs.role_stack_set import RoleStackSet, stack_sets_trusted_access
from constructs.sdk_call import sdk_call_resource


class SecurityServicesStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        baseline: SecurityBaseline,
        regions: Sequence[str],
        administrator_id: str,
        administrator_ou_id: str,
        root_id: str,
        rollout: RolloutSettings,
        **kwargs: Any,
    ) -> None:
        """`regions`: where the services run (OrgSpec.security_regions); `administrator_id` and
        `administrator_ou_id`: the delegated administrator's account and the OU that holds it;
        `root_id`: the organization's root; `rollout`: how StackSets roll out (member_roles.rollout)."""
        super().__init__(scope, id, description="orgboot: security services run by the delegated administrator", **kwargs)
        self._regions, self._rollout = list(regions), rollout
        self._administrator_id, self._administrator_ou_id = administrator_id, administrator_ou_id
        self._last_write: Construct | None = None
        if not any(getattr(baseline, service) is not None for service in ("guardduty", "security_hub", "access_analyzer")):
            # Nothing runs: the stack stays (a resource it needs) so that turning the last service off deletes it.
            CfnResource(self, "Placeholder", type="AWS::CloudFormation::WaitConditionHandle").override_logical_id(
                logical_ids.SECURITY_SERVICES_PLACEHOLDER
            )
            return
        # This stack deploys before MemberRolesStack, which activates StackSets' trusted access too.
        self._in_turn(stack_sets_trusted_access(self, "StackSetsTrustedAccess", logical_id=logical_ids.SECURITY_SERVICES_TRUSTED_ACCESS))
        if baseline.guardduty is not None:
            self._guardduty()
        if baseline.security_hub is not None:
            self._security_hub(baseline.security_hub, root_id)
        if baseline.access_analyzer is not None:
            self._access_analyzer()

    def _access_analyzer(self) -> None:
        """Trusted access, then the delegated administrator's registration, then its analyzers
        ("Add a delegated administrator for IAM Access Analyzer", IAM User Guide: "you must use AWS
        Organizations APIs to enable service access for IAM Access Analyzer and register the member
        account as a delegated administrator")."""
        self._trusted_access("access_analyzer", services.ACCESS_ANALYZER)
        self._register("access_analyzer", services.ACCESS_ANALYZER)
        self._stack_set("access_analyzer", access_analyzer_template(), "orgboot: IAM Access Analyzer for the organization, every region")

    def _guardduty(self) -> None:
        """Trusted access and the registration (which EnableOrganizationAdminAccount would make
        too, but not undo: AWS's own solution deregisters after disabling each region,
        aws-security-reference-architecture-examples guardduty_org); then in each region the
        management account's detector and the designation of the administrator, both from here:
        GuardDuty is regional, an AwsSdkCall names its region, and AWS::GuardDuty::Detector would
        reach only this stack's region. Then the administrator's organization configuration, by
        StackSet (constructs/functions/guardduty_organization.py)."""
        self._trusted_access("guardduty", services.GUARDDUTY)
        self._register("guardduty", services.GUARDDUTY)
        for region in self._regions:
            # The management account is a member only once it has a detector ("Adding members to the
            # organization", GuardDuty User Guide). Turned off, GuardDuty stays on there, as it does in
            # every member account when the administrator goes (DisableOrganizationAdminAccount).
            detector = cr.AwsSdkCall(
                service="GuardDuty",
                action="createDetector",
                parameters={"Enable": True},
                region=region,
                physical_resource_id=cr.PhysicalResourceId.of(f"guardduty-management-detector-{region}"),
                # A detector that exists already is what this asks for ("a detector already exists
                # for the current account": BadRequestException, CreateDetector).
                ignore_error_codes_matching="BadRequestException",
            )
            self._in_turn(
                sdk_call_resource(
                    self, logical_ids.management_detector(region), logical_id=logical_ids.management_detector(region), on_create=detector
                )
            )
            designation = {"AdminAccountId": self._administrator_id}
            enable = cr.AwsSdkCall(
                service="GuardDuty",
                action="enableOrganizationAdminAccount",
                parameters=designation,
                region=region,
                physical_resource_id=cr.PhysicalResourceId.of(f"guardduty-administrator-{region}"),
            )
            disable = cr.AwsSdkCall(service="GuardDuty", action="disableOrganizationAdminAccount", parameters=designation, region=region)
            logical_id = logical_ids.delegated_administrator("guardduty", region)
            self._in_turn(sdk_call_resource(self, logical_id, logical_id=logical_id, on_create=enable, on_delete=disable))
        self._stack_set("guardduty", guardduty_template(), "orgboot: GuardDuty for every account of the organization, every region")

    def _security_hub(self, security_hub: SecurityHub, root_id: str) -> None:
        """Trusted access, then the administrator designated in the home Region (central
        configuration sets it in the linked Regions: "Enabling central configuration in Security
        Hub", User Guide), then central configuration from the administrator, by StackSet, in the
        home Region alone. An AwsSdkCall names its region; AWS::SecurityHub::DelegatedAdmin would
        reach only this stack's. Turned off, the StackSet goes first (central configuration
        stopped, its policy disassociated and deleted: the accounts keep Security Hub as it was),
        then the designation, which Security Hub refuses to remove while central configuration is on."""
        home = security_hub_home(security_hub, tuple(self._regions))
        self._trusted_access("security_hub", services.SECURITY_HUB)
        designation = {"AdminAccountId": self._administrator_id}
        enable = cr.AwsSdkCall(
            service="SecurityHub",
            action="enableOrganizationAdminAccount",
            parameters=designation,
            region=home,
            physical_resource_id=cr.PhysicalResourceId.of(f"securityhub-administrator-{home}"),
        )
        disable = cr.AwsSdkCall(service="SecurityHub", action="disableOrganizationAdminAccount", parameters=designation, region=home)
        logical_id = logical_ids.delegated_administrator("security_hub")
        self._in_turn(sdk_call_resource(self, logical_id, logical_id=logical_id, on_create=enable, on_delete=disable))
        template = security_hub_template(home, [region for region in self._regions if region != home], security_hub.standards)
        self._stack_set(
            "security_hub",
            template,
            "orgboot: Security Hub central configuration for the organization",
            parameters={ROOT_ID_PARAMETER: root_id},
            regions=[home],
        )

    def _register(self, service: str, principal: str) -> None:
        """The delegated administrator's registration in Organizations, deregistered when the
        service is turned off (its StackSet deleted first)."""
        parameters = {"AccountId": self._administrator_id, "ServicePrincipal": principal}
        register = cr.AwsSdkCall(
            service="Organizations",
            action="registerDelegatedAdministrator",
            parameters=parameters,
            physical_resource_id=cr.PhysicalResourceId.of(f"{principal}-delegated-administrator"),
        )
        deregister = cr.AwsSdkCall(service="Organizations", action="deregisterDelegatedAdministrator", parameters=parameters)
        logical_id = logical_ids.delegated_administrator(service)
        self._in_turn(sdk_call_resource(self, logical_id, logical_id=logical_id, on_create=register, on_delete=deregister))

    def _trusted_access(self, service: str, principal: str) -> None:
        """Organizations' trusted access for the service. Kept when the service is turned off:
        Organizations advises disabling it through the service itself, never with
        DisableAWSServiceAccess (Organizations API Reference, DisableAWSServiceAccess)."""
        enable = cr.AwsSdkCall(
            service="Organizations",
            action="enableAWSServiceAccess",
            parameters={"ServicePrincipal": principal},
            physical_resource_id=cr.PhysicalResourceId.of(f"{principal}-trusted-access"),
        )
        self._in_turn(
            sdk_call_resource(
                self, logical_ids.service_trusted_access(service), logical_id=logical_ids.service_trusted_access(service), on_create=enable
            )
        )

    def _stack_set(
        self,
        service: str,
        template: dict[str, Any],
        description: str,
        parameters: dict[str, str] | None = None,
        regions: Sequence[str] | None = None,
    ) -> None:
        stack_set = RoleStackSet(
            self,
            logical_ids.security_service_stack_set(service),
            stack_set_name=security_service_stack_set_name(service),
            logical_id=logical_ids.security_service_stack_set(service),
            description=description,
            template=template,
            organizational_unit_ids=[self._administrator_ou_id],
            accounts=[self._administrator_id],
            regions=list(regions or self._regions),
            parameters=parameters or {},
            max_concurrent_percentage=self._rollout.max_concurrent_percentage,
            failure_tolerance_percentage=self._rollout.failure_tolerance_percentage,
            retain_stacks_on_account_removal=False,
        )
        self._in_turn(stack_set.stack_set)

    def _in_turn(self, construct: Construct) -> None:
        if self._last_write is not None:
            construct.node.add_dependency(self._last_write)
        self._last_write = construct


def security_services_stack(
    app: cdk.App, spec: OrgSpec, account_stacks: Sequence[Stack], ou_ids: dict[str, str], env: cdk.Environment
) -> list[Stack]:
    """SecurityServicesStack when security_baseline names a delegated administrator (else none):
    `account_stacks` hold the accounts (OrganizationStack and the account stacks), `ou_ids` the OUs."""
    key = spec.security_baseline.delegated_administrator
    if key is None:
        return []
    holder = next(stack for stack in account_stacks if stack.node.id == layout.account_stack(key, spec.organization.account_stacks))
    return [
        SecurityServicesStack(
            app,
            layout.SECURITY_SERVICES_STACK,
            baseline=spec.security_baseline,
            regions=spec.security_regions,
            administrator_id=account_id_reference(holder, key),
            administrator_ou_id=ou_ids[spec.accounts[key].ou],
            root_id=ou_ids[ROOT],
            rollout=spec.member_roles.rollout,
            env=env,
        )
    ]
