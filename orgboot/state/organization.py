"""The organization as AWS holds it: the tree of OUs and accounts, tags, and the policies attached
at each level."""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from orgboot.policy.evaluation import Level, OrganizationPolicies
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

    def chain(self, account_id: str) -> list[Node]:
        """The root, the OUs down to the account, and the account: where its SCPs and RCPs attach."""

        def down(node: Node, path: list[Node]) -> list[Node] | None:
            if node.id == account_id:
                return [*path, node]
            for child in node.children:
                found = down(child, [*path, node])
                if found:
                    return found
            return None

        return down(self.root, []) or []

    def policies_for(self, account_ids: list[str]) -> OrganizationPolicies:
        """The SCP and RCP chains of these accounts, as the policy evaluator takes them."""
        chains: dict[str, dict[str, tuple[Level, ...]]] = {"SERVICE_CONTROL_POLICY": {}, "RESOURCE_CONTROL_POLICY": {}}
        for policy_type, accounts in chains.items():
            if policy_type not in self.enabled_policy_types:
                continue
            kind = KIND_OF_POLICY_TYPE[policy_type]
            for account_id in account_ids:
                levels = []
                for node in self.chain(account_id):
                    label = "Root" if node.kind == "root" else f"OU {node.path}" if node.kind == "ou" else f"account {node.name}"
                    attached = [
                        parse(self.documents[name], PolicyRef(name, kind, label))  # type: ignore[arg-type]
                        for name in node.policies.get(policy_type, [])
                        if name in self.documents
                    ]
                    levels.append(Level(label, tuple(attached)))
                accounts[account_id] = tuple(levels)
        return OrganizationPolicies(self.management_account_id, chains["SERVICE_CONTROL_POLICY"], chains["RESOURCE_CONTROL_POLICY"])

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


def read_organization(organizations: Any) -> Organization:
    """`organizations` is a boto3 Organizations client of the management account."""
    description = organizations.describe_organization()["Organization"]
    root = all_items(organizations, "list_roots", "Roots")[0]
    enabled = [t["Type"] for t in root.get("PolicyTypes", []) if t["Status"] == "ENABLED"]

    def policies(target_id: str) -> dict[str, list[str]]:
        attached = {}
        for policy_type in enabled:
            names = [
                p["Name"] for p in all_items(organizations, "list_policies_for_target", "Policies", TargetId=target_id, Filter=policy_type)
            ]
            if names:
                attached[policy_type] = sorted(names)
        return attached

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
            tags = {t["Key"]: t["Value"] for t in all_items(organizations, "list_tags_for_resource", "Tags", ResourceId=account["Id"])}
            nodes.append(Node(account["Id"], account["Name"], "account", policies(account["Id"]), email=account["Email"], tags=tags))
        return nodes

    root_node = Node(root["Id"], "Root", "root", policies(root["Id"]), path="Root")
    root_node.children = children(root_node)
    documents = {
        policy["Name"]: json.loads(organizations.describe_policy(PolicyId=policy["Id"])["Policy"]["Content"])
        for policy_type in enabled
        if policy_type in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")
        for policy in all_items(organizations, "list_policies", "Policies", Filter=policy_type)
    }
    return Organization(description["Id"], description["MasterAccountId"], enabled, root_node, documents)
