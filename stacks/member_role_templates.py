"""The CloudFormation template each role's StackSet deploys into member accounts.

Synthesized by CDK in an app of its own, so it never becomes a stack of the main app (`cdk deploy
--all` must not deploy it to the management account), without the bootstrap-version rule and
without assets: a StackSet template must stand alone."""

import tempfile
from collections.abc import Mapping
from typing import Any

import aws_cdk as cdk

from orgboot.aws import managed_policies
from orgboot.policy import iam as iam_documents
from orgboot.spec import Role

from constructs.member_role import MemberRole

MANAGEMENT_ACCOUNT_PARAMETER = "ManagementAccountId"
EXTERNAL_ID_PARAMETER = "ExternalId"


def _role_stack(app: cdk.App, name: str, role: Role) -> cdk.Stack:
    stack = cdk.Stack(app, name, synthesizer=cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=False))
    if role.trust.third_party_account:
        external_id = cdk.CfnParameter(
            stack, EXTERNAL_ID_PARAMETER, no_echo=True, min_length=2, description="The external ID agreed with the third party"
        )
        trust = iam_documents.trust_third_party(role.trust.third_party_account, external_id.value_as_string)
    else:
        management = cdk.CfnParameter(stack, MANAGEMENT_ACCOUNT_PARAMETER, allowed_pattern=r"\d{12}")
        trust = iam_documents.trust_account_with_mfa(management.value_as_string, role.trust.mfa_max_age_seconds)
    MemberRole(
        stack,
        "Role",
        role_name=name,
        description=role.description,
        trust_policy=trust,
        managed_policy_arns=[managed_policies.arn(p) for p in role.managed_policies],
        inline_documents={p.name: p.content for p in role.inline_policies},
        permissions_boundary_arn=managed_policies.arn(role.permissions_boundary) if role.permissions_boundary else None,
        max_session_hours=role.max_session_hours,
    )
    return stack


def role_templates(catalogue: Mapping[str, Role]) -> dict[str, dict[str, Any]]:
    """Role name -> its member-account template, all synthesized in one pass."""
    if not catalogue:
        return {}
    with tempfile.TemporaryDirectory(prefix="orgboot-member-") as outdir:
        app = cdk.App(outdir=outdir, analytics_reporting=False)
        for name, role in catalogue.items():
            _role_stack(app, name, role)
        assembly = app.synth()
        return {name: assembly.get_stack_by_name(name).template for name in catalogue}
