"""member_roles in org.yaml: roles in member accounts, rolled out by StackSets."""

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, ValidationInfo, model_validator

from orgboot.aws import quotas
from orgboot.aws.organizations import ACCESS_ROLE, ROOT
from orgboot.aws.regions import HOME_REGION
from orgboot.aws.stacksets import STACK_SET_NAME_PATTERN, role_stack_set_name
from orgboot.spec.documents import DocumentFile
from orgboot.spec.fields import IamName, ManagedPolicyRef, Model, check_listed_once, in_range
from orgboot.spec.references import check_ou_reference, declared


def _check_role_target(target: str, info: ValidationInfo) -> str:
    accounts = declared(info, "account_keys") or frozenset()
    if target.lower() in ("management", "management-account") or target in accounts:
        raise ValueError(
            f"'{target}' is an account; roles deploy to OUs (or {ROOT}) through service-managed StackSets,"
            " which reach every account in them and never the management account"
        )
    return check_ou_reference(target, info)


def _check_trusted_account(account_id: str) -> str:
    if "*" in account_id:
        raise ValueError("a wildcard principal would let anyone assume the role; give the 12-digit account ID")
    if not re.fullmatch(r"\d{12}", account_id):
        raise ValueError(f"'{account_id}' is not an AWS account ID (12 digits)")
    return account_id


def _check_catalogue_name(name: str) -> str:
    if name == ACCESS_ROLE:
        raise ValueError(f"{ACCESS_ROLE} already exists in every account AWS created; give the role another name")
    if not STACK_SET_NAME_PATTERN.fullmatch(role_stack_set_name(name)):
        raise ValueError(
            f"the role is rolled out by StackSet '{role_stack_set_name(name)}', and a StackSet name takes only letters,"
            " digits and hyphens: rename the role without _ . + = , @"
        )
    return name


class RoleTrust(Model):
    """Who may assume the role. Default: the management account, signed in with MFA. A third
    party (another AWS account) must present an external ID, given at deploy time."""

    third_party_account: Annotated[str, AfterValidator(_check_trusted_account)] | None = Field(
        None, description="12-digit account ID of the third party; requires sts:ExternalId"
    )
    mfa_max_age_seconds: Annotated[int, in_range(60, 129_600, "mfa_max_age_seconds")] | None = Field(
        None, description="Refuse MFA sessions older than this (management-account trust only)"
    )

    @model_validator(mode="after")
    def _one_kind_of_trust(self) -> "RoleTrust":
        if self.third_party_account and self.mfa_max_age_seconds:
            raise ValueError("mfa_max_age_seconds applies to the management account's trust, not to a third party's")
        return self


class Role(Model):
    """A role deployed into every account of the target OUs by its own StackSet."""

    description: Annotated[str, StringConstraints(max_length=1000)] = ""
    managed_policies: tuple[ManagedPolicyRef, ...] = ()
    inline_policies: tuple[DocumentFile, ...] = ()
    permissions_boundary: ManagedPolicyRef | None = None
    max_session_hours: Annotated[int, in_range(*quotas.ROLE_SESSION_HOURS, "max_session_hours")] = 1
    trust: RoleTrust = RoleTrust()
    targets: Annotated[tuple[Annotated[str, AfterValidator(_check_role_target)], ...], AfterValidator(check_listed_once)] = Field(
        min_length=1, description=f"OU paths or {ROOT}; the management account is never a target"
    )


class RolloutSettings(Model):
    """How StackSets roll roles out. Roles are global: one region is enough, and more would fail."""

    region: str = Field(HOME_REGION, pattern=r"^[a-z]{2}(-[a-z]+)+-\d$")
    max_concurrent_percentage: Annotated[int, in_range(1, 100, "max_concurrent_percentage")] = 25
    failure_tolerance_percentage: Annotated[int, in_range(0, 100, "failure_tolerance_percentage")] = 0
    retain_stacks_on_account_removal: bool = Field(False, description="Keep the roles in an account that leaves the target OUs")


class MemberRoles(Model):
    rollout: RolloutSettings = RolloutSettings()
    catalogue: dict[Annotated[IamName, AfterValidator(_check_catalogue_name)], Role] = Field(default_factory=dict)
