"""OrganizationStack: the Organization, its OU tree, organization policies, and the member accounts
unless organization.account_stacks spreads them over stacks of their own (stacks/accounts_stack.py).
Deployed in the management account, us-east-1 (Organizations is a global service homed there).

Adopting an organization that exists (`adopt`), the stack holds only what `cdk import` imports: the
resources its mapping names, as the normal synth has them, and nothing they would wait for that is
not imported (no policy-type enablers: the types are enabled already)."""

from collections.abc import Callable, Mapping
from typing import Any

from aws_cdk import Stack

from orgboot.analysis.grants import org_paths
from orgboot.spec import ROOT, OrgSpec, logical_ids, parent_of
from stacks.accounts_stack import add_accounts
from stacks.adoption import Adoption, NotAdoptable
from stacks.alternate_contacts import add_member_contacts, members_have_contacts

from constructs import Construct
from constructs.alternate_contacts import account_management_trusted_access
from constructs.organization_policy import OrganizationPolicy
from constructs.organization_root import OrganizationRoot
from constructs.organizational_unit import OrganizationalUnit


class OrganizationStack(Stack):
    def __init__(self, scope: Construct, id: str, *, spec: OrgSpec, adopt: Adoption | None = None, **kwargs: Any) -> None:
        super().__init__(scope, id, description="orgboot: the AWS Organization, its OUs, accounts and policies", **kwargs)
        wanted: Callable[[str], bool] = (lambda logical_id: True) if adopt is None else (lambda logical_id: adopt.imports(id, logical_id))
        if not wanted(logical_ids.ORGANIZATION):
            raise NotAdoptable(f"{id}'s mapping does not name the {logical_ids.ORGANIZATION}: every resource of the stack refers to it")
        self.root = OrganizationRoot(
            self,
            "Organization",
            logical_id=logical_ids.ORGANIZATION,
            enabler_logical_ids={} if adopt else {t: logical_ids.policy_type_enabler(t) for t in spec.organization.policy_types},
        )
        # Organizations refuses concurrent changes (ConcurrentModificationException) and creates
        # one account at a time, and CloudFormation runs whatever is ready at once: every change
        # to the organization waits for the one before it, in a fixed order (OUs parents first,
        # then accounts and policies by key), whatever the order of org.yaml.
        last_write = self.root.last_write

        def in_turn(construct: Construct) -> None:
            nonlocal last_write
            construct.node.add_dependency(last_write)
            last_write = construct

        # An OU is named by its identity (its path unless it or a parent has a key): renaming it
        # keeps its resource and updates its Name in place (spec/fields.py ou_identities).
        self.ou_ids: dict[str, str] = {ROOT: self.root.root_id}
        for path in spec.ou_paths:  # parents first
            if not wanted(spec.ou_logical_id(path)):
                continue
            ou = OrganizationalUnit(
                self,
                f"Ou-{spec.ou_identities[path]}",
                name=path.rpartition("/")[2],
                parent_id=_known(self.ou_ids, parent_of(path), f"OU {path}", id),
                logical_id=spec.ou_logical_id(path),
            )
            in_turn(ou)
            self.ou_ids[path] = ou.ou_id
        paths = [path for path in spec.ou_paths if path in self.ou_ids]  # when adopting, those imported
        self.org_paths = org_paths(f"{self.root.organization_id}/{self.root.root_id}/", self.ou_ids, paths)

        # Accounts live here unless spread over stacks of their own (stacks/accounts_stack.py).
        # An account whose ID the spec knows (unmanaged, or adopted and spread over account stacks)
        # is a target by that ID; an account of this stack by its resource's.
        target_ids = dict(self.ou_ids) | spec.known_account_ids
        accounts = {key: account for key, account in spec.accounts.items() if wanted(logical_ids.account(key))}
        if spec.organization.account_stacks is None and accounts:
            for key, account in accounts.items():
                _known(self.ou_ids, account.ou, f"account {key}", id)
            added = add_accounts(self, accounts, self.ou_ids, after=last_write)
            last_write = added.last
            target_ids |= {key: added.account_id(logical_ids.account(key)) for key in accounts}

        for key in sorted(spec.organization_policies):
            if not wanted(logical_ids.policy(key)):
                continue
            policy = spec.organization_policies[key]
            organization_policy = OrganizationPolicy(
                self,
                f"Policy-{key}",
                name=spec.policy_name(key),
                policy_type=policy.type,
                content=policy.document.content,
                description=policy.description,
                target_ids=[_known(target_ids, target, f"policy {key}", id) for target in policy.targets],
                tags=policy.tags,
                logical_id=logical_ids.policy(key),
            )
            in_turn(organization_policy)  # after the enablers, so its type is enabled

        # Alternate contacts of the member accounts, named by AccountId: trusted access for Account
        # Management first (an Organizations write, in turn), then the accounts of this stack; the
        # account stacks, deployed after this one, set theirs.
        contacts = spec.security_baseline.alternate_contacts
        if adopt is None and members_have_contacts(contacts, spec.accounts):
            trusted_access = account_management_trusted_access(
                self, "AccountManagementTrustedAccess", logical_id=logical_ids.ACCOUNT_MANAGEMENT_TRUSTED_ACCESS
            )
            in_turn(trusted_access)
            if spec.organization.account_stacks is None:
                member_contacts = add_member_contacts(self, contacts, spec.accounts)
                if member_contacts is not None:
                    member_contacts.resource.node.add_dependency(trusted_access)


def _known(ids: Mapping[str, str], key: str, user: str, stack: str) -> str:
    """The ID of `key`; when adopting, what is not imported has none, and an imported resource
    cannot refer to it (CloudFormation: "Unresolved resource dependencies")."""
    if key not in ids:
        raise NotAdoptable(
            f"{user} refers to {key}, which {stack}'s mapping does not name: a resource imported can refer only to resources"
            " imported with it. Adopt what exists as it is, then add the rest to org.yaml and deploy"
        )
    return ids[key]
