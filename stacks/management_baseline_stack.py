"""ManagementBaselineStack: the management account's own baseline (IAM checklist, CIS identity items):
password policy, alias, billing alerts, groups with MFA, users, support role, administrator role,
organization trail."""

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam

from orgboot.analysis.grants import switch_policy
from orgboot.aws.cis_monitoring import BREAK_GLASS_METRIC, CONTROLS
from orgboot.policy import iam as iam_documents
from orgboot.spec import Group, ManagementBaseline, logical_ids
from orgboot.spec.baseline import REQUIRE_MFA_POLICY_DESCRIPTION, AdminRole, require_mfa_policy_name
from orgboot.spec.contacts import AlternateContacts
from stacks.alternate_contacts import add_management_contacts
from stacks.organization_trail import LogArchiveTarget, add_organization_trail

from constructs import Construct
from constructs.account_alias import AccountAlias
from constructs.account_password_policy import AccountPasswordPolicy
from constructs.acknowledgements import acknowledge, aws_managed_policy_finding, wildcard_findings
from constructs.baseline_group import BaselineGroup
from constructs.billing_alerts import BillingAlerts, BillingLogicalIds
from constructs.cis_monitoring import CisMonitoring, CisMonitoringLogicalIds
from constructs.organization_trail import CloudWatchLogsDelivery
from constructs.sdk_call import pin_logical_id


class ManagementBaselineStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        baseline: ManagementBaseline,
        organization_id: str,
        org_paths: Mapping[str, str],
        guarded_roles: Sequence[str],
        contacts: AlternateContacts | None = None,
        log_archive: LogArchiveTarget | None = None,
        **kwargs: Any,
    ) -> None:
        """`contacts`: security_baseline.alternate_contacts, of which this stack sets the management account's.
        `log_archive`: the account that keeps the trail's logs, where organization_trail.log_archive names one."""
        super().__init__(scope, id, description="orgboot: the management account's security baseline", **kwargs)
        self._imported: dict[str, iam.IManagedPolicy] = {}
        add_management_contacts(self, contacts, self.account)
        if baseline.password_policy is not None:
            AccountPasswordPolicy(self, "PasswordPolicy", logical_id=logical_ids.PASSWORD_POLICY, **baseline.password_policy.model_dump())
        if baseline.account_alias:
            AccountAlias(self, "AccountAlias", alias=baseline.account_alias, logical_id=logical_ids.ACCOUNT_ALIAS)
        if baseline.billing:
            billing = baseline.billing
            BillingAlerts(
                self,
                "Billing",
                alarm_threshold_usd=billing.alarm_threshold_usd,
                monthly_budget_usd=billing.monthly_budget_usd,
                actual_threshold_percent=billing.actual_threshold_percent,
                forecast_threshold_percent=billing.forecast_threshold_percent,
                emails=billing.notify,
                budget_name=billing.budget_name,
                logical_ids=BillingLogicalIds(
                    topic=logical_ids.BILLING_TOPIC,
                    topic_policy=logical_ids.BILLING_TOPIC_POLICY,
                    alarm=logical_ids.BILLING_ALARM,
                    budget=logical_ids.MONTHLY_BUDGET,
                ),
            )

        # Its name follows its description (both create-only): an edit of either replaces it under
        # a new name, which CloudFormation can do; its document changes in place.
        require_mfa = iam.ManagedPolicy(
            self,
            "RequireMfa",
            managed_policy_name=require_mfa_policy_name(REQUIRE_MFA_POLICY_DESCRIPTION),
            description=REQUIRE_MFA_POLICY_DESCRIPTION,
            document=iam.PolicyDocument.from_json(iam_documents.require_mfa()),
        )
        pin_logical_id(require_mfa, logical_ids.REQUIRE_MFA_POLICY)
        # AWS's own policy for self-managed MFA ("IAM: Allows IAM users to self-manage an MFA
        # device", IAM User Guide) denies everything else with NotAction on '*' and lets each user
        # manage only their own user and MFA device, by policy variable.
        for finding in wildcard_findings(iam_documents.require_mfa()):
            acknowledge(require_mfa, finding, "AWS's MFA self-service policy: each user's own user and MFA device, by policy variable")
        support_role_arn = None
        if baseline.support_role:
            support_role = iam.Role(
                self,
                "SupportRole",
                role_name=baseline.support_role.name,
                description="CIS: manage incidents with AWS Support",
                assumed_by=iam.AccountPrincipal(self.account).with_conditions({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
                managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("AWSSupportAccess")],
            )
            pin_logical_id(support_role, logical_ids.SUPPORT_ROLE)
            acknowledge(
                support_role,
                aws_managed_policy_finding("AWSSupportAccess"),
                "CIS AWS Foundations 5.0 (1.16) asks for AWSSupportAccess on a support role",
            )
            support_role_arn = support_role.role_arn
        admin_role_arn = self._admin_role(baseline.admin_role).role_arn if baseline.admin_role else None
        self.groups: dict[str, iam.Group] = {}
        for name, group in baseline.groups.items():
            switch = switch_policy(name, baseline, org_paths, guarded_roles, support_role_arn, admin_role_arn)
            self.groups[name] = BaselineGroup(
                self,
                f"Group-{name}",
                group_name=name,
                logical_id=logical_ids.group(name),
                managed_policies=[self._managed_policy(p) for p in group.managed_policies] + ([require_mfa] if group.require_mfa else []),
                inline_documents=_inline_documents(name, group, switch),
                managed_policy_names=group.managed_policies,
            ).group
        for user_name, user in baseline.users.items():
            iam_user = iam.User(self, f"User-{user_name}", user_name=user_name, groups=[self.groups[g] for g in user.groups])
            pin_logical_id(iam_user, logical_ids.user(user_name))

        if baseline.organization_trail:
            delivery = None
            if cis := baseline.organization_trail.cis_monitoring:
                metrics = [c.metric for c in CONTROLS] + [BREAK_GLASS_METRIC]  # break-glass's when the baseline has it
                monitoring = CisMonitoring(
                    self,
                    "CisMonitoring",
                    emails=cis.notify,
                    logical_ids=CisMonitoringLogicalIds(
                        log_group=logical_ids.TRAIL_LOG_GROUP,
                        role=logical_ids.TRAIL_LOGS_ROLE,
                        topic=logical_ids.SECURITY_TOPIC,
                        topic_policy=logical_ids.SECURITY_TOPIC_POLICY,
                        metric_filter={m: logical_ids.cis_metric_filter(m) for m in metrics},
                        alarm={m: logical_ids.cis_alarm(m) for m in metrics},
                    ),
                    break_glass=baseline.break_glass_watch,
                )
                delivery = CloudWatchLogsDelivery(monitoring.log_group.log_group_arn, monitoring.role.role_arn)
            add_organization_trail(
                self, baseline.organization_trail, organization_id=organization_id, log_archive=log_archive, cloud_watch_logs=delivery
            )

    def _admin_role(self, admin: AdminRole) -> iam.Role:
        """CIS AWS Foundations 5.0, 1.15: administrators assume this role, with MFA, instead of
        holding AdministratorAccess on their groups. It may assume no role outside this account
        (iam_documents.stay_in_account): people reach member accounts through their own grants."""
        fence = iam_documents.stay_in_account(self.account)
        role = iam.Role(
            self,
            "AdminRole",
            role_name=admin.name,
            description="CIS 1.15: administration of the management account, with MFA",
            assumed_by=iam.AccountPrincipal(self.account).with_conditions(iam_documents.signed_in_with_mfa(admin.mfa_max_age_seconds)),
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess")],
            max_session_duration=Duration.hours(admin.max_session_hours),
            inline_policies={f"{admin.name}-stay-in-account": iam.PolicyDocument.from_json(fence)},
        )
        pin_logical_id(role, logical_ids.ADMIN_ROLE)
        acknowledge(
            role,
            aws_managed_policy_finding("AdministratorAccess"),
            "CIS 1.15's remedy: administrators assume this MFA-protected role instead of holding AdministratorAccess",
        )
        return role

    def _managed_policy(self, name_or_arn: str) -> iam.IManagedPolicy:
        if not name_or_arn.startswith("arn:"):
            return iam.ManagedPolicy.from_aws_managed_policy_name(name_or_arn)
        if name_or_arn not in self._imported:  # one construct per ARN, however many groups use it
            self._imported[name_or_arn] = iam.ManagedPolicy.from_managed_policy_arn(self, f"Imported-{name_or_arn}", name_or_arn)
        return self._imported[name_or_arn]


def _inline_documents(group_name: str, group: Group, switch: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The group's inline policies by name: its files, and the roles it may switch into."""
    documents = {f"{group_name}-{document.name}": document.content for document in group.inline_policies}
    if switch["Statement"]:
        documents[f"{group_name}-switch-roles"] = switch
    return documents
