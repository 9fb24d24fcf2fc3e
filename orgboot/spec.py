"""The typed, frozen model of org.yaml: the single source of truth every other view derives from.

Field-level checks (formats, ranges, policy files, references to what the file declares) run in
pydantic, so all of them are reported at once; checks that relate several entries (uniqueness,
counts, sizes) live in rules.py. Sections: the organization here, management_baseline in
spec_baseline.py, member_roles in spec_roles.py, shared building blocks in spec_fields.py.
"""

from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from orgboot import limits
from orgboot.spec_baseline import Group, ManagementBaseline, PasswordPolicy
from orgboot.spec_fields import (
    ROOT,
    DocumentFile,
    Model,
    OuPath,
    PolicyDocument,
    PolicyType,
    Tags,
    check_account_name,
    check_email,
    check_listed_once,
    check_ou_reference,
    check_target,
    check_type_enabled,
)
from orgboot.spec_roles import ACCESS_ROLE, MemberRoles, Role

__all__ = [
    "ACCESS_ROLE", "ROOT", "Account", "Group", "ManagementBaseline", "MemberRoles", "OrgSpec", "Organization",
    "PasswordPolicy", "Policy", "PolicyDocument", "Role", "implied_ou_paths", "parent_of",
]


class Organization(Model):
    feature_set: Literal["ALL"] = Field("ALL", description="Only ALL supports organization policies")
    policy_types: tuple[PolicyType, ...] = Field(
        (), description="Policy types to enable on the root; every declared policy's type must be here"
    )


class Account(Model):
    name: Annotated[str, AfterValidator(check_account_name)] = Field(description="Display name, 1-50 printable ASCII")
    email: Annotated[str, AfterValidator(check_email)] = Field(description="Root user email, unique in AWS")
    ou: Annotated[str, AfterValidator(check_ou_reference)] = Field(description=f"OU path such as Workloads/Prod, or {ROOT}")
    tags: Tags = Field(default_factory=dict)
    role_name: Annotated[str, StringConstraints(pattern=limits.ROLE_NAME_PATTERN)] | None = Field(
        None, description="Role AWS creates in the new account for the management account"
        " (default OrganizationAccountAccessRole). Set at creation only."
    )


class Policy(Model):
    type: Annotated[PolicyType, AfterValidator(check_type_enabled)]
    description: Annotated[str, StringConstraints(max_length=limits.POLICY_DESCRIPTION_MAX)] = ""
    document: DocumentFile
    targets: Annotated[
        tuple[Annotated[str, AfterValidator(check_target)], ...], AfterValidator(check_listed_once)
    ] = Field(
        min_length=1, description=f"{ROOT}, OU paths (Workloads/Prod) or account keys"
    )


AccountKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
PolicyKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=128)]


class OrgSpec(Model):
    """org.yaml. Keys of `accounts` and `policies` are forever: they name CloudFormation resources."""

    organization: Organization = Organization()
    organizational_units: tuple[OuPath, ...] = Field(
        (), description="OU paths, nested with '/', up to 5 levels; parents are implied"
    )
    accounts: dict[AccountKey, Account] = Field(default_factory=dict)
    policies: dict[PolicyKey, Policy] = Field(default_factory=dict)
    management_baseline: ManagementBaseline = ManagementBaseline()
    member_roles: MemberRoles = MemberRoles()

    @property
    def ou_paths(self) -> tuple[str, ...]:
        """Every OU, declared or implied as a parent, parents before children."""
        return implied_ou_paths(self.organizational_units)


def implied_ou_paths(paths: Iterable[str]) -> tuple[str, ...]:
    """The OUs `paths` declare, with their parents, parents first."""
    found: dict[str, None] = {}
    for path in paths:
        names = path.split("/")
        for depth in range(1, len(names) + 1):
            found.setdefault("/".join(names[:depth]))
    return tuple(sorted(found, key=lambda p: (p.count("/"), p)))


def parent_of(ou_path: str) -> str:
    return ou_path.rpartition("/")[0] or ROOT
