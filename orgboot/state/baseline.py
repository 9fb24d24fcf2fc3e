"""The management-account baseline as AWS holds it: alias, password policy, billing alerts,
groups, roles, trails."""

from dataclasses import dataclass, field
from typing import Any

from orgboot.state.iam_policies import document as _document
from orgboot.state.iam_policies import identity_documents
from orgboot.state.pages import all_items


@dataclass
class GroupView:
    managed_policies: list[str]
    inline_policies: dict[str, dict[str, Any]]
    members: list[str]
    assumable_roles: list[tuple[str, list[str]]] = field(default_factory=list)  # (role ARN pattern, org paths)
    documents: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # every policy: (name, document)


@dataclass
class Baseline:
    alias: str | None
    password_policy: dict[str, Any] | None
    alarms: list[dict[str, Any]]
    subscriptions: dict[str, list[str]]  # topic ARN -> e-mail endpoints
    budgets: list[dict[str, Any]]  # with their "Notifications": [(notification, [addresses])]
    groups: dict[str, GroupView]
    roles: dict[str, dict[str, Any]]  # name -> {"trust": ..., "managed_policies": [...]}
    trails: list[dict[str, Any]]


def _assumable(documents: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """The sts:AssumeRole grants written as orgboot writes them (for the report's "may assume")."""
    grants = []
    for document in documents:
        statements = document.get("Statement", [])
        for statement in [statements] if isinstance(statements, dict) else statements:
            if statement.get("Effect") == "Allow" and statement.get("Action") == "sts:AssumeRole" and "Resource" in statement:
                paths = statement.get("Condition", {}).get("ForAnyValue:StringLike", {}).get("aws:ResourceOrgPaths", [])
                grants.append((statement["Resource"], [paths] if isinstance(paths, str) else list(paths)))
    return grants


def _subscribers(budgets: Any, account_id: str, budget: str, notification: dict[str, Any]) -> list[str] | None:
    """E-mail addresses of a budget notification; None where the API is not served (moto 5.2
    stores subscribers but does not implement DescribeSubscribersForNotification)."""
    try:
        response = budgets.describe_subscribers_for_notification(AccountId=account_id, BudgetName=budget, Notification=notification)
    except NotImplementedError:
        return None
    return sorted(s["Address"] for s in response["Subscribers"])


def read_baseline(aws: Any) -> Baseline:
    """`aws` is an AwsAccount (or anything with .client(service) and .account_id)."""
    iam, sns, budgets = aws.client("iam"), aws.client("sns"), aws.client("budgets")
    try:
        password_policy = iam.get_account_password_policy()["PasswordPolicy"]
    except iam.exceptions.NoSuchEntityException:
        password_policy = None
    aliases = all_items(iam, "list_account_aliases", "AccountAliases")

    groups = {}
    for group in all_items(iam, "list_groups", "Groups"):
        name = group["GroupName"]
        inline = {
            p: _document(iam.get_group_policy(GroupName=name, PolicyName=p)["PolicyDocument"])
            for p in all_items(iam, "list_group_policies", "PolicyNames", GroupName=name)
        }
        groups[name] = GroupView(
            managed_policies=sorted(
                p["PolicyName"] for p in all_items(iam, "list_attached_group_policies", "AttachedPolicies", GroupName=name)
            ),
            inline_policies=inline,
            members=sorted(u["UserName"] for u in all_items(iam, "get_group", "Users", GroupName=name)),
            assumable_roles=_assumable(list(inline.values())),
            documents=identity_documents(iam, "group", name),
        )
    roles = {
        role["RoleName"]: {
            "trust": _document(role["AssumeRolePolicyDocument"]),
            "managed_policies": sorted(
                p["PolicyName"] for p in all_items(iam, "list_attached_role_policies", "AttachedPolicies", RoleName=role["RoleName"])
            ),
        }
        for role in all_items(iam, "list_roles", "Roles")
    }

    subscriptions: dict[str, list[str]] = {}
    for subscription in all_items(sns, "list_subscriptions", "Subscriptions"):
        subscriptions.setdefault(subscription["TopicArn"], []).append(subscription["Endpoint"])
    budget_list = all_items(budgets, "describe_budgets", "Budgets", AccountId=aws.account_id)
    for budget in budget_list:
        name = budget["BudgetName"]
        notifications = all_items(budgets, "describe_notifications_for_budget", "Notifications", AccountId=aws.account_id, BudgetName=name)
        budget["Notifications"] = [(n, _subscribers(budgets, aws.account_id, name, n)) for n in notifications]
    cloudtrail = aws.client("cloudtrail")
    trails = [
        {**trail, "IsLogging": cloudtrail.get_trail_status(Name=trail["Name"])["IsLogging"]}
        for trail in cloudtrail.describe_trails()["trailList"]
    ]
    return Baseline(
        alias=aliases[0] if aliases else None,
        password_policy=password_policy,
        alarms=all_items(aws.client("cloudwatch"), "describe_alarms", "MetricAlarms"),
        subscriptions=subscriptions,
        budgets=budget_list,
        groups=groups,
        roles=roles,
        trails=trails,
    )
