"""The organization as AWS holds it: the tree of OUs and accounts, tags, and the policies attached
at each level."""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from orgboot.policy.evaluation import ContextValue, Level, OrganizationPolicies
from orgboot.policy.lint import KIND_OF_POLICY_TYPE
from orgboot.policy.statements import PolicyRef, parse
from orgboot.state.pages import all_items


@dataclass
class Node:
    id: str
    name: str
    kind: str  # root, ou or account
    policies: dict[str, list[str]] = field(default_factory=dict)  # policy type -> policy names
    children: list["Node"] = field(default_factory=list)
    email: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    path: str = ""  # OU path as in org.yaml ("Workloads/Prod"); "Root" for the root

    def walk(self) -> Iterator["Node"]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Organization:
    id: str
    management_account_id: str
    enabled_policy_types: list[str]
    root: Node
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)  # SCP and RCP name -> content
    descriptions: dict[str, str] = field(default_factory=dict)  # policy name -> description

    @cached_property
    def _chains(self) -> dict[str, tuple[Node, ...]]:
        """Account ID -> the root, the OUs down to the account, and the account, in one walk."""
        chains: dict[str, tuple[Node, ...]] = {}

        def walk(node: Node, above: tuple[Node, ...]) -> None:
            path = (*above, node)
            if node.kind == "account":
                chains[node.id] = path
            for child in node.children:
                walk(child, path)

        walk(self.root, ())
        return chains

    def chain(self, account_id: str) -> list[Node]:
        """The root, the OUs down to the account, and the account: where its SCPs and RCPs attach."""
        return list(self._chains.get(account_id, ()))

    def policies_for(self, account_ids: list[str]) -> OrganizationPolicies:
        """The SCP and RCP chains of these accounts, as the policy evaluator takes them. Each level
        is parsed once, however many accounts share it."""
        levels: dict[tuple[str, str], Level] = {}
        chains: dict[str, dict[str, tuple[Level, ...]]] = {"SERVICE_CONTROL_POLICY": {}, "RESOURCE_CONTROL_POLICY": {}}
        for policy_type, accounts in chains.items():
            if policy_type in self.enabled_policy_types:
                for account_id in account_ids:
                    accounts[account_id] = tuple(self._level(node, policy_type, levels) for node in self.chain(account_id))
        return OrganizationPolicies(self.management_account_id, chains["SERVICE_CONTROL_POLICY"], chains["RESOURCE_CONTROL_POLICY"])

    def _level(self, node: Node, policy_type: str, parsed: dict[tuple[str, str], Level]) -> Level:
        if (node.id, policy_type) not in parsed:
            label = "Root" if node.kind == "root" else f"OU {node.path}" if node.kind == "ou" else f"account {node.name}"
            kind = KIND_OF_POLICY_TYPE[policy_type]
            attached = [
                parse(self.documents[name], PolicyRef(name, kind, label))  # type: ignore[arg-type]
                for name in node.policies.get(policy_type, [])
                if name in self.documents
            ]
            parsed[(node.id, policy_type)] = Level(label, tuple(attached))
        return parsed[(node.id, policy_type)]

    def accounts(self) -> dict[str, Node]:
        return {node.id: node for node in self.root.walk() if node.kind == "account"}

    def ous(self) -> dict[str, Node]:
        return {node.path: node for node in self.root.walk() if node.kind == "ou"}

    def org_paths(self) -> dict[str, str]:
        """Node ID -> its organization path ("o-id/r-id/ou-id/.../"), what aws:ResourceOrgPaths matches."""
        paths = {}

        def walk(node: Node, prefix: str) -> None:
            paths[node.id] = f"{prefix}{node.id}/"
            for child in node.children:
                walk(child, paths[node.id])

        walk(self.root, f"{self.id}/")
        return paths

    def own_request_context(self, account_id: str) -> dict[str, ContextValue]:
        """The keys AWS adds to a request of a principal of `account_id` on a resource of the same
        account (policy evaluation facts 107, 108, 124: aws:PrincipalOrgID, PrincipalOrgPaths,
        ResourceOrgID, ResourceOrgPaths), over TLS, as AWS's own services and SDKs call."""
        path = (self.org_paths()[account_id],)
        return {
            "aws:SecureTransport": "true",
            "aws:PrincipalOrgID": self.id,
            "aws:PrincipalOrgPaths": path,
            "aws:ResourceOrgID": self.id,
            "aws:ResourceOrgPaths": path,
        }


def read_organization(organizations: Any, tags_wanted: bool = True) -> Organization:
    """`organizations` is a boto3 Organizations client of the management account. `tags_wanted=False`
    skips the accounts' tags (one call per account) for callers that need only the tree and policies."""
    description = organizations.describe_organization()["Organization"]
    root = all_items(organizations, "list_roots", "Roots")[0]
    enabled = [t["Type"] for t in root.get("PolicyTypes", []) if t["Status"] == "ENABLED"]
    # Attachments by policy (one call per policy) rather than by target (one call per account and type).
    attachments: dict[str, dict[str, list[str]]] = {}
    listed: dict[str, list[dict[str, Any]]] = {}
    for policy_type in enabled:
        listed[policy_type] = all_items(organizations, "list_policies", "Policies", Filter=policy_type)
        for policy in listed[policy_type]:
            for target in all_items(organizations, "list_targets_for_policy", "Targets", PolicyId=policy["Id"]):
                attachments.setdefault(target["TargetId"], {}).setdefault(policy_type, []).append(policy["Name"])

    def policies(target_id: str) -> dict[str, list[str]]:
        return {policy_type: sorted(names) for policy_type, names in attachments.get(target_id, {}).items()}

    def children(parent: Node) -> list[Node]:
        nodes = []
        for ou in sorted(
            all_items(organizations, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent.id),
            key=lambda o: o["Name"],
        ):
            path = ou["Name"] if parent.kind == "root" else f"{parent.path}/{ou['Name']}"
            node = Node(ou["Id"], ou["Name"], "ou", policies(ou["Id"]), path=path)
            node.children = children(node)
            nodes.append(node)
        for account in sorted(
            all_items(organizations, "list_accounts_for_parent", "Accounts", ParentId=parent.id), key=lambda a: a["Name"]
        ):
            tags = (
                {t["Key"]: t["Value"] for t in all_items(organizations, "list_tags_for_resource", "Tags", ResourceId=account["Id"])}
                if tags_wanted
                else {}
            )
            nodes.append(Node(account["Id"], account["Name"], "account", policies(account["Id"]), email=account["Email"], tags=tags))
        return nodes

    root_node = Node(root["Id"], "Root", "root", policies(root["Id"]), path="Root")
    root_node.children = children(root_node)
    documents = {
        policy["Name"]: json.loads(organizations.describe_policy(PolicyId=policy["Id"])["Policy"]["Content"])
        for policy_type in enabled
        if policy_type in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")
        for policy in listed[policy_type]
    }
    descriptions = {policy["Name"]: policy.get("Description", "") for policies in listed.values() for policy in policies}
    return Organization(description["Id"], description["MasterAccountId"], enabled, root_node, documents, descriptions)
