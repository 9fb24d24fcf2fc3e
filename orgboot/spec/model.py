"""The typed, frozen model of org.yaml: the single source of truth every other view derives from.

Field-level checks (formats, ranges, policy files, references to what the file declares) run in
pydantic, so all of them are reported at once; checks that relate several entries (uniqueness,
counts, sizes) are the rules (orgboot/rules). Sections: the organization here, management_baseline
in baseline.py, member_roles in roles.py, shared building blocks in fields.py and references.py.
"""

import dataclasses
from functools import cached_property
from typing import Annotated, Literal, cast

from pydantic import AfterValidator, Field, StringConstraints

from orgboot.aws import quotas
from orgboot.aws.organizations import ACCESS_ROLE, ROOT
from orgboot.aws.policy_types import PolicyTypeName
from orgboot.policy.guardrails.packing import Pack, pack_key
from orgboot.policy.guardrails.region_deny import RegionDeny
from orgboot.spec import logical_ids
from orgboot.spec.acknowledgements import ChangeId
from orgboot.spec.baseline import ManagementBaseline
from orgboot.spec.documents import DocumentFile, PolicyDocument
from orgboot.spec.fields import (
    AccountId,
    Email,
    Model,
    OuEntry,
    Tags,
    check_account_name,
    check_listed_once,
    implied_ou_paths,
    ou_identities,
)
from orgboot.spec.guardrails import Guardrails, orgboot_roles, pack_guardrails
from orgboot.spec.identity_center import IdentityCenter, expand_assignments
from orgboot.spec.layout import ACCOUNT_STACKS_MAX
from orgboot.spec.problems import Loc
from orgboot.spec.references import OuRef, check_target, check_type_enabled
from orgboot.spec.roles import MemberRoles
from orgboot.spec.security import SecurityBaseline
from orgboot.spec.security_services import run_by_stack_sets
from orgboot.spec.unmanaged import Unmanaged


class Organization(Model):
    feature_set: Literal["ALL"] = Field("ALL", description="Only ALL supports organization policies")
    policy_types: tuple[PolicyTypeName, ...] = Field(
        (), description="Policy types to enable on the root; every declared policy's type must be here"
    )
    account_stacks: int | None = Field(
        None,
        ge=1,
        le=ACCOUNT_STACKS_MAX,
        description="Spread the accounts over this many stacks (for more than a few hundred accounts). Set once: see docs/scale.md",
    )
    full_aws_access_detached: Annotated[tuple[Annotated[str, AfterValidator(check_target)], ...], AfterValidator(check_listed_once)] = (
        Field(
            (),
            description=f"{ROOT}, OU paths or account keys from which the AWS managed FullAWSAccess SCP was detached (an allow-list"
            " strategy): there only the SCPs attached allow anything. orgboot never attaches or detaches FullAWSAccess itself",
        )
    )


class Account(Model):
    name: Annotated[str, AfterValidator(check_account_name)] = Field(description="Display name, 1-50 printable ASCII")
    email: Email = Field(description="Root user email, unique in AWS")
    ou: OuRef = Field(description=f"OU path such as Workloads/Prod, or {ROOT}")
    tags: Tags = Field(default_factory=dict)
    role_name: Annotated[str, StringConstraints(pattern=quotas.ROLE_NAME_PATTERN)] | None = Field(
        None,
        description=f"Role AWS creates in the new account for the management account (default {ACCESS_ROLE}). Set at creation only.",
    )
    account_id: AccountId | None = Field(
        None, description="The account's ID when it exists already (orgboot import writes it): adoption and drift find it by it"
    )
    invited: bool = Field(
        False,
        description=f"The account joined by invitation: AWS created no {ACCESS_ROLE} in it, so orgboot's checks never count on one",
    )


class Policy(Model):
    type: Annotated[PolicyTypeName, AfterValidator(check_type_enabled)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=quotas.POLICY_NAME_MAX)] | None = Field(
        None, description="The policy's name in AWS, when it is not its key (an adopted policy keeps its name)"
    )
    tags: Tags = Field(default_factory=dict)
    description: Annotated[str, StringConstraints(max_length=quotas.POLICY_DESCRIPTION_MAX)] = ""
    document: DocumentFile
    targets: Annotated[tuple[Annotated[str, AfterValidator(check_target)], ...], AfterValidator(check_listed_once)] = Field(
        min_length=1, description=f"{ROOT}, OU paths (Workloads/Prod) or account keys"
    )


AccountKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
PolicyKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=128)]


class OrgSpec(Model):
    """org.yaml. Keys of `accounts` and `policies` are forever: they name CloudFormation resources."""

    emulator_only: bool = Field(
        False,
        description="An example that deploys only into the emulator: its account emails may use example domains (RFC 2606),"
        " and neither `orgboot deploy` nor its templates reach a real AWS account",
    )
    organization: Organization = Organization()
    organizational_units: tuple[OuEntry, ...] = Field(
        (),
        description="OU paths, nested with '/', up to 5 levels; parents are implied. An entry may give the OU a key"
        " (`Workloads/Production: {key: Prod}`) that stands for its name in its identity, so renaming it keeps the OU",
    )
    accounts: dict[AccountKey, Account] = Field(default_factory=dict)
    released_accounts: tuple[AccountKey, ...] = Field(
        (),
        description="Keys of accounts orgboot stops managing: removed from their stack, never closed (AWS keeps them, Retain)",
    )
    policies: dict[PolicyKey, Policy] = Field(default_factory=dict)
    guardrails: Guardrails = Field(
        default_factory=dict, description="Guardrails of orgboot's library by name, with parameters and targets: see docs/guardrails.md"
    )
    management_baseline: ManagementBaseline = ManagementBaseline()
    member_roles: MemberRoles = MemberRoles()
    security_baseline: SecurityBaseline = Field(
        SecurityBaseline(), description="CIS AWS Foundations for every account: see docs/security-baseline.md"
    )
    identity_center: IdentityCenter | None = Field(
        None,
        description="IAM Identity Center: permission sets, and Identity Center groups assigned them on accounts, OUs or Root;"
        " see docs/identity-center.md",
    )
    unmanaged: Unmanaged = Field(
        default_factory=Unmanaged,
        description="What exists in the organization that orgboot does not manage (orgboot import writes it): never deployed,"
        " never touched; see docs/adopt.md",
    )
    acknowledged_changes: dict[ChangeId, str] = Field(
        default_factory=dict,
        description="Dangerous changes made on purpose, by the ID `orgboot diff` prints, each with its reason: see docs/review.md",
    )

    @cached_property
    def ou_paths(self) -> tuple[str, ...]:
        """Every OU, declared or implied as a parent, parents before children."""
        return implied_ou_paths(entry.path for entry in self.organizational_units)

    @cached_property
    def ou_identities(self) -> dict[str, str]:
        """OU path -> the OU's identity, which names its CloudFormation resource: the path itself,
        unless the OU or a parent has a key (fields.ou_identities)."""
        return ou_identities(self.organizational_units)

    def ou_logical_id(self, path: str) -> str:
        """The logical ID of the OU at `path`, from its identity (a path the spec does not declare, as itself)."""
        return logical_ids.ou(self.ou_identities.get(path, path))

    def target_identity(self, target: str) -> str:
        """A policy target as a change compares it: an OU by its identity; Root and accounts as written."""
        return self.ou_identities.get(target, target)

    def ou_entry_index(self, path: str) -> int:
        """The index of the organizational_units entry that declares the OU at `path`, or else the first
        that implies it (a parent is implied by its children's entries): where a problem with it is shown."""
        entries = [entry.path for entry in self.organizational_units]
        if path in entries:
            return entries.index(path)
        return next(index for index, entry in enumerate(entries) if entry.startswith(path + "/"))

    @cached_property
    def guardrail_packs(self) -> tuple[Pack, ...]:
        """The guardrails packed into documents. A document's key (its resource and its name in AWS)
        comes from its targets' identities, so renaming an OU it targets keeps the document."""
        packs = pack_guardrails(self.guardrails, orgboot_roles(self.accounts, self.member_roles, run_by_stack_sets(self.security_baseline)))
        numbers: dict[tuple[str, tuple[str, ...]], int] = {}
        keyed = []
        for found in packs:  # numbered as packing numbers them: in order, per type and target set
            number = numbers[(found.policy_type, found.targets)] = numbers.get((found.policy_type, found.targets), 0) + 1
            key = pack_key(found.policy_type, map(self.target_identity, found.targets), number)
            # in the order of their identities too: a reordered TargetIds would be an update
            keyed.append(dataclasses.replace(found, key=key, targets=tuple(sorted(found.targets, key=self.target_identity))))
        return tuple(keyed)

    @cached_property
    def organization_policies(self) -> dict[str, Policy]:
        """Every organization policy orgboot deploys: the policies as written, and the guardrails
        packed into documents (orgboot/policy/guardrails/packing.py)."""
        packs = {
            p.key: Policy.model_construct(
                type=p.policy_type,
                description=p.description,
                document=PolicyDocument(f"guardrails {', '.join(p.members)}", p.content),
                targets=p.targets,
            )
            for p in self.guardrail_packs
        }
        return {**self.policies, **packs}

    @cached_property
    def security_regions(self) -> tuple[str, ...]:
        """Where the regional security services run: security_baseline.regions as written, or else
        every region a region-deny guardrail allows (none when there is no region-deny)."""
        if self.security_baseline.regions is not None:
            return self.security_baseline.regions
        region_denies = [cast(RegionDeny, use) for use in self.guardrails.values() if use.guardrail == "region-deny"]
        allowed = {region for use in region_denies for region in use.allowed_regions}
        return tuple(sorted(allowed))

    @cached_property
    def known_account_ids(self) -> dict[str, str]:
        """Account key -> AWS account ID, for the accounts whose ID the spec gives (managed or not)."""
        managed = {key: account.account_id for key, account in self.accounts.items() if account.account_id}
        return {**managed, **{key: account.id for key, account in self.unmanaged.accounts.items()}}

    @cached_property
    def _identity_center_assignments(self) -> dict[str, tuple[tuple[str, str], ...]]:
        return expand_assignments(self)

    def identity_center_assignments(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """Account key (or `management`) -> its (Identity Center group, permission set) pairs, sorted:
        identity_center.assignments expanded over the accounts (spec/identity_center.py)."""
        return self._identity_center_assignments

    def policy_name(self, key: str) -> str:
        """The organization policy's name in AWS."""
        return self.organization_policies[key].name or key

    def policy_loc(self, key: str) -> Loc:
        """Where org.yaml writes an organization policy: its entry, or its first guardrail's."""
        for pack in self.guardrail_packs:
            if pack.key == key:
                return ("guardrails", pack.members[0])
        return ("policies", key)

    def document_loc(self, key: str) -> Loc:
        """Where org.yaml gives an organization policy's content: its document, or its first guardrail."""
        return ("policies", key, "document") if key in self.policies else self.policy_loc(key)
