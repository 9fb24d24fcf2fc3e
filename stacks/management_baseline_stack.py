"""ManagementBaselineStack: the management account's own baseline (CIS AWS Foundations):
password policy, alias, billing alerts, groups with MFA, users, support role, organization trail."""

import re
from collections.abc import Mapping

from aws_cdk import Stack
from aws_cdk import aws_iam as iam

from constructs import Construct
from constructs.account_alias import AccountAlias
from constructs.account_password_policy import AccountPasswordPolicy
from constructs.baseline_group import BaselineGroup
from constructs.billing_alerts import BillingAlerts
from constructs.organization_trail import OrganizationTrail
from orgboot import iam_documents
from orgboot.spec import ManagementBaseline


class ManagementBaselineStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        baseline: ManagementBaseline,
        organization_id: str,
        org_paths: Mapping[str, str],
        **kwargs,
    ) -> None:
        super().__init__(scope, id, description="orgboot: the management account's security baseline", **kwargs)
        password = baseline.password_policy
        AccountPasswordPolicy(self, "PasswordPolicy", **password.model_dump())
        if baseline.account_alias:
            AccountAlias(self, "AccountAlias", alias=baseline.account_alias)
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
            )

        require_mfa = iam.ManagedPolicy(
            self, "RequireMfa", managed_policy_name="RequireMFA",
            description="Deny everything but MFA self-service until signed in with MFA",
            document=iam.PolicyDocument.from_json(iam_documents.require_mfa()),
        )
        support_role = None
        if baseline.support_role:
            support_role = iam.Role(
                self,
                "SupportRole",
                role_name=baseline.support_role.name,
                description="CIS: manage incidents with AWS Support",
                assumed_by=iam.AccountPrincipal(self.account).with_conditions({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
                managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("AWSSupportAccess")],
            )
        self.groups: dict[str, iam.Group] = {}
        for name, group in baseline.groups.items():
            statements = [
                iam_documents.assume_role_in_org_paths(grant.role, [org_paths[ou] for ou in grant.ous], _sid("Assume", grant.role))
                for grant in group.may_assume
            ]
            if support_role is not None and name in baseline.support_role.assumable_by:
                statements.append({"Sid": "AssumeSupportRole", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": support_role.role_arn})
            self.groups[name] = BaselineGroup(
                self,
                f"Group-{name}",
                group_name=name,
                managed_policies=[self._managed_policy(p) for p in group.managed_policies] + ([require_mfa] if group.require_mfa else []),
                inline_documents={doc.name: doc.content for doc in group.inline_policies},
                statements=statements,
            ).group
        for user_name, user in baseline.users.items():
            iam.User(self, f"User-{user_name}", user_name=user_name, groups=[self.groups[g] for g in user.groups])

        if baseline.organization_trail:
            OrganizationTrail(self, "OrganizationTrail", trail_name=baseline.organization_trail.name, organization_id=organization_id)

    def _managed_policy(self, name_or_arn: str) -> iam.IManagedPolicy:
        if not name_or_arn.startswith("arn:"):
            return iam.ManagedPolicy.from_aws_managed_policy_name(name_or_arn)
        construct_id = f"Imported-{name_or_arn}"
        existing = self.node.try_find_child(construct_id)
        return existing or iam.ManagedPolicy.from_managed_policy_arn(self, construct_id, name_or_arn)


def _sid(prefix: str, name: str) -> str:
    return prefix + re.sub(r"[^A-Za-z0-9]", "", name)
