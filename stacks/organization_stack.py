"""OrganizationStack: the Organization, its OU tree, organization policies, and the member accounts
unless organization.account_stacks spreads them over stacks of their own (stacks/accounts_stack.py).
Deployed in the management account, us-east-1 (Organizations is a global service homed there)."""

from typing import Any

from aws_cdk import Stack

from orgboot.analysis.grants import org_paths
from orgboot.spec import ROOT, OrgSpec, logical_ids, parent_of
from stacks.accounts_stack import add_accounts

from constructs import Construct
from constructs.organization_policy import OrganizationPolicy
from constructs.organization_root import OrganizationRoot
from constructs.organizational_unit import OrganizationalUnit


class OrganizationStack(Stack):
    def __init__(self, scope: Construct, id: str, *, spec: OrgSpec, **kwargs: Any) -> None:
        super().__init__(scope, id, description="orgboot: the AWS Organization, its OUs, accounts and policies", **kwargs)
        self.root = OrganizationRoot(
            self,
            "Organization",
            logical_id=logical_ids.ORGANIZATION,
            enabler_logical_ids={t: logical_ids.policy_type_enabler(t) for t in spec.organization.policy_types},
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

        self.ou_ids: dict[str, str] = {ROOT: self.root.root_id}
        for path in spec.ou_paths:  # parents first
            ou = OrganizationalUnit(
                self,
                f"Ou-{path}",
                name=path.rpartition("/")[2],
                parent_id=self.ou_ids[parent_of(path)],
                logical_id=logical_ids.ou(path),
            )
            in_turn(ou)
            self.ou_ids[path] = ou.ou_id
        self.org_paths = org_paths(f"{self.root.organization_id}/{self.root.root_id}/", self.ou_ids, spec.ou_paths)

        # Accounts live here unless spread over stacks of their own (stacks/accounts_stack.py).
        target_ids = dict(self.ou_ids)
        if spec.organization.account_stacks is None and spec.accounts:
            accounts = add_accounts(self, spec.accounts, self.ou_ids, after=last_write)
            last_write = accounts.last
            target_ids |= {key: accounts.account_id(logical_ids.account(key)) for key in spec.accounts}

        for key in sorted(spec.organization_policies):
            policy = spec.organization_policies[key]
            organization_policy = OrganizationPolicy(
                self,
                f"Policy-{key}",
                name=key,
                policy_type=policy.type,
                content=policy.document.content,
                description=policy.description,
                target_ids=[target_ids[target] for target in policy.targets],
                logical_id=logical_ids.policy(key),
            )
            in_turn(organization_policy)  # after the enablers, so its type is enabled
