"""An AWS Organization as a years-old real one looks, built with public boto3 calls only: what
`orgboot import` and `orgboot drift` must read (issue 22).

    with emulated_aws():
        org = build_existing_organization()                 # 120 member accounts, in-process moto
    org = build_existing_organization(endpoint_clients(url))  # a served emulator (moto in this process)

Its shape: feature set ALL with four policy types enabled; OUs nested five deep under the root
(Workloads/Prod/Payments/Card Processing/PCI Scope); 23 OUs under Workloads/Prod and under
Workloads/Dev (so ListOrganizationalUnitsForParent pages), and the same names under both; OU and
account names with spaces, mixed case and both naming eras ("Payments Prod", "payments-dev"),
among them two accounts whose names differ only by case and punctuation ("Payments Prod",
"payments-prod"); tags on most accounts, twelve on one; more than twenty accounts in Sandbox (so
ListAccountsForParent pages) and more than a hundred in all (ListAccounts); more than twenty SCPs
(ListPolicies), some attached at the root, OUs and accounts, one at four targets, two never
attached; an RCP, a tag policy and an AI opt-out policy; the AWS managed FullAWSAccess detached from
Sandbox, which an allow-list SCP governs instead; a suspended account in Suspended; an account that
joined by invitation and has no OrganizationAccountAccessRole; trusted services and delegated
administrators; and in the management account a password policy, an alias, a group, a user with
an access key, a role, a trail, a budget and alternate contacts.

Every ID is moto's (random): the builder returns them with the rest of what it made, as
`ExistingOrganization`, for tests to compare what a reader finds against. Same call, same shape.

moto lacks the invitation flow (no InviteAccountToOrganization or AcceptHandshake in 5.2.1), so the
invited account is created, then marked: `mark_invited` sets its JoinedMethod, the one step that
reaches into moto (orgboot/emulator/organizations_extras.py); its role goes with IAM calls, made
with credentials assumed from the management account, as AWS would require.
"""

import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol

import boto3

from orgboot.aws.organizations import ACCESS_ROLE, ROOT
from orgboot.aws.regions import HOME_REGION, PARTITION
from orgboot.emulator.aws import management
from orgboot.emulator.organizations_extras import mark_invited as mark_invited_in_moto

DOMAIN = "acme-corp.io"
POLICY_TYPES = ("SERVICE_CONTROL_POLICY", "TAG_POLICY", "RESOURCE_CONTROL_POLICY", "AISERVICES_OPT_OUT_POLICY")
FULL_AWS_ACCESS = "FullAWSAccess"  # the AWS managed SCP, attached to every root, OU and account
RCP_FULL_AWS_ACCESS = "RCPFullAWSAccess"

# Product teams: one OU each under Workloads/Prod and Workloads/Dev (with Shared: 23 per parent).
PRODUCTS = (
    "Payments",
    "Checkout",
    "Search",
    "Catalog",
    "Identity",
    "Notifications",
    "Pricing",
    "Inventory",
    "Orders",
    "Shipping",
    "Reviews",
    "Recommendations",
    "Loyalty",
    "Fraud Detection",
    "Customer Support",
    "Mobile Backend",
    "Web Frontend",
    "Reporting",
    "Partner API",
    "Marketing Site",
    "Media",
    "Data Platform",
)
PEOPLE = (
    "Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy",
    "Rupert", "Sybil", "Trent", "Victor", "Walter", "Yusuf", "Zoe", "Aarav", "Beatriz", "Chen", "Dmitri", "Elif", "Fatima",
    "Gustavo", "Hana", "Ingrid", "Jamal", "Kenji", "Leila", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sven",
)  # fmt: skip
DEEPEST_OU = "Workloads/Prod/Payments/Card Processing/PCI Scope"  # five levels under the root, the most AWS allows
OUS = (
    "Security",
    "Infrastructure",
    "Infrastructure/Network",
    "Infrastructure/Shared Services",
    "Workloads",
    "Workloads/Prod",
    "Workloads/Prod/Shared",
    *(f"Workloads/Prod/{product}" for product in PRODUCTS),
    "Workloads/Prod/Payments/Card Processing",
    DEEPEST_OU,
    "Workloads/Dev",
    "Workloads/Dev/Shared",
    *(f"Workloads/Dev/{product}" for product in PRODUCTS),
    "Sandbox",
    "Policy Staging",
    "legacy-Apps",
    "Suspended",
)
ALLOW_LISTED_OU = "Sandbox"  # governed by an allow-list SCP: FullAWSAccess detached

SUSPENDED = "Closed Experiment"
INVITED = "Datalytics Prod"  # an acquired company's account, invited into the organization
TWELVE_TAGS = "Payments Prod"


@dataclass(frozen=True)
class AccountFacts:
    id: str
    name: str
    email: str
    ou: str  # the parent's OU path, or "Root"
    tags: Mapping[str, str]
    state: str = "ACTIVE"
    joined_method: str = "CREATED"


@dataclass(frozen=True)
class PolicyFacts:
    id: str
    name: str
    type: str
    description: str
    content: str  # as sent (minified JSON); the AWS managed ones as moto holds them
    tags: Mapping[str, str]
    targets: frozenset[str]  # root, OU and account IDs
    aws_managed: bool = False


@dataclass(frozen=True)
class ManagementFacts:
    """What the management account holds besides the organization."""

    alias: str
    minimum_password_length: int
    iam_groups: tuple[str, ...]
    iam_users: tuple[str, ...]
    iam_roles: tuple[str, ...]
    trails: tuple[str, ...]
    trail_bucket: str
    budgets: tuple[str, ...]
    alternate_contacts: tuple[str, ...]  # types set on the management account


@dataclass(frozen=True)
class ExistingOrganization:
    organization_id: str
    root_id: str
    management_account_id: str
    management_account: AccountFacts  # as moto names it: "master", master@example.com (no API renames it)
    policy_types: tuple[str, ...]  # enabled on the root
    ous: Mapping[str, str]  # OU path ("Workloads/Prod/Shared") -> ID
    accounts: Mapping[str, AccountFacts]  # member accounts by name (the management account is apart)
    policies: Mapping[str, PolicyFacts]  # by name, the AWS managed FullAWSAccess and RCPFullAWSAccess too
    suspended_account_id: str
    invited_account_id: str
    full_aws_access_detached: tuple[str, ...]  # OU paths without FullAWSAccess
    deepest_ou: str  # its path: five levels under the root
    trusted_services: tuple[str, ...]
    delegated_administrators: tuple[tuple[str, str], ...]  # (account name, service principal)
    alternate_contacts: Mapping[str, tuple[str, ...]]  # member account name -> contact types set
    management: ManagementFacts
    seconds: float = field(default=0.0, compare=False)  # how long the build took

    @property
    def account_ids(self) -> dict[str, str]:
        return {name: account.id for name, account in self.accounts.items()}

    def label(self, target_id: str) -> str:
        """A policy target as org.yaml names it: Root, an OU path, or an account's name."""
        if target_id == self.root_id:
            return ROOT
        if target_id == self.management_account_id:
            return "management account"
        by_id = {ou_id: path for path, ou_id in self.ous.items()} | {a.id: name for name, a in self.accounts.items()}
        return by_id[target_id]

    def targets(self, policy: str) -> set[str]:
        """The labels of the targets of one policy."""
        return {self.label(target) for target in self.policies[policy].targets}


class ClientFactory(Protocol):
    """A boto3 client for a service: the management account's, or with these credentials
    (boto3's keyword names: aws_access_key_id, aws_secret_access_key, aws_session_token)."""

    def __call__(self, service: str, credentials: Mapping[str, str] | None = None) -> Any: ...


def emulated_clients(service: str, credentials: Mapping[str, str] | None = None) -> Any:
    """Clients of the in-process emulator (inside `emulated_aws()`). Assumed-role credentials name
    their account through the access key, which moto resolves."""
    if credentials is None:
        return management().client(service)
    session: Any = boto3.Session()  # typed Any: boto3's stubs cannot follow a service chosen at run time
    return session.client(service, region_name=HOME_REGION, **credentials)


def endpoint_clients(endpoint_url: str, region: str = HOME_REGION) -> ClientFactory:
    """Clients of a served emulator at `endpoint_url`; the management account's are moto's default
    account's (any access key that moto does not know)."""
    session: Any = boto3.Session()
    fake = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "aws_session_token": "testing"}

    def client(service: str, credentials: Mapping[str, str] | None = None) -> Any:
        return session.client(service, endpoint_url=endpoint_url, region_name=region, **(credentials or fake))

    return client


def minified(document: Mapping[str, Any]) -> str:
    """Policy text as a careful team stores it: SCP size limits count whitespace."""
    return json.dumps(document, separators=(",", ":"))


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


# --- the accounts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Account:
    name: str
    email: str
    ou: str
    tags: Mapping[str, str]


def _tags(cost_center: str, owner: str, environment: str) -> dict[str, str]:
    return {"cost-center": cost_center, "owner": owner, "environment": environment}


def _cost_center(product: str) -> str:
    return f"CC-{1000 + 7 * PRODUCTS.index(product)}"


# Made first, whatever the size: the landing-zone accounts, the odd ones, the special cases.
CORE = (
    _Account("Log Archive", f"aws+log-archive@{DOMAIN}", "Security", _tags("CC-0100", "security-team", "shared")),
    _Account("Audit", f"aws+audit@{DOMAIN}", "Security", _tags("CC-0100", "security-team", "shared")),
    _Account("Security Tooling", f"aws+security-tooling@{DOMAIN}", "Security", _tags("CC-0100", "security-team", "shared")),
    _Account("Network Hub", f"aws+network-hub@{DOMAIN}", "Infrastructure/Network", _tags("CC-0200", "network-team", "prod")),
    _Account("network-dev", f"aws+network-dev@{DOMAIN}", "Infrastructure/Network", _tags("CC-0200", "network-team", "dev")),
    _Account("Shared Services", f"aws+shared-services@{DOMAIN}", "Infrastructure/Shared Services", _tags("CC-0200", "platform", "prod")),
    _Account("cicd-tools", f"aws+cicd@{DOMAIN}", "Infrastructure/Shared Services", _tags("CC-0200", "platform", "shared")),
    _Account(
        TWELVE_TAGS,
        f"aws+payments-prod@{DOMAIN}",
        "Workloads/Prod/Payments",
        {
            **_tags(_cost_center("Payments"), "payments-team", "prod"),
            "business-unit": "Commerce",
            "application": "payments-api",
            "data-classification": "confidential",
            "compliance": "pci-dss",
            "backup-plan": "daily-35d",
            "on-call": "payments-oncall@acme-corp.io",
            "Project": "Phoenix",  # an older team's capitalised key, kept
            "terraform-workspace": "payments-prod",
            "created-by": "account-vending-v1",
        },
    ),
    _Account(
        "payments-dev", f"aws+payments-dev@{DOMAIN}", "Workloads/Dev/Payments", _tags(_cost_center("Payments"), "payments-team", "dev")
    ),
    _Account("PCI Card Vault", f"aws+pci-card-vault@{DOMAIN}", DEEPEST_OU, _tags(_cost_center("Payments"), "payments-team", "prod")),
    _Account("Data Lake Prod", f"aws+data-lake-prod@{DOMAIN}", "Workloads/Prod/Data Platform", _tags("CC-1147", "data-team", "prod")),
    _Account("Shared Prod", f"aws+shared-prod@{DOMAIN}", "Workloads/Prod/Shared", _tags("CC-0200", "platform", "prod")),
    _Account("shared-dev", f"aws+shared-dev@{DOMAIN}", "Workloads/Dev/Shared", _tags("CC-0200", "platform", "dev")),
    # The first production account, from before the naming convention: untagged, at the root,
    # and its name differs from "Payments Prod" only by case and punctuation.
    _Account("payments-prod", f"aws-payments@{DOMAIN}", ROOT, {}),
    _Account("Old Marketing Site", f"marketing-aws@{DOMAIN}", "legacy-Apps", {"owner": "marketing"}),
    _Account(INVITED, "aws-root@datalytics.io", "Workloads/Prod/Data Platform", {}),  # tagged after it joined
    _Account(SUSPENDED, f"aws+closed-experiment@{DOMAIN}", "Suspended", _tags("CC-0300", "r-and-d", "dev")),
    _Account("Policy Canary", f"aws+policy-canary@{DOMAIN}", "Policy Staging", _tags("CC-0200", "platform", "test")),
)
INVITED_TAGS = {"owner": "data-team", "acquired-from": "Datalytics", "environment": "prod"}
ROUND_SUFFIXES = ("", " EU", " APAC")  # later rounds are numbered


def _round_suffix(round_: int) -> str:
    return ROUND_SUFFIXES[round_] if round_ < len(ROUND_SUFFIXES) else f" {round_ + 1}"


def _fillers() -> Iterator[_Account]:
    """Product accounts (prod in Title Case, dev in kebab case) and personal sandboxes, in turn."""
    products = [p for p in PRODUCTS if p != "Payments"]  # Payments' accounts are in CORE
    step = 0
    while True:
        product, round_ = products[step % len(products)], step // len(products)
        suffix = _round_suffix(round_)
        untagged = step % 9 == 8  # one in nine was made before tagging was required
        prod = f"{product} Prod{suffix}"
        dev = slug(f"{product} dev{suffix}")
        yield _Account(
            prod,
            f"aws+{slug(prod)}@{DOMAIN}",
            f"Workloads/Prod/{product}",
            {} if untagged else _tags(_cost_center(product), slug(product) + "-team", "prod"),
        )
        yield _Account(
            dev,
            f"aws+{dev}@{DOMAIN}",
            f"Workloads/Dev/{product}",
            {} if untagged else _tags(_cost_center(product), slug(product) + "-team", "dev"),
        )
        person, person_round = PEOPLE[step % len(PEOPLE)], step // len(PEOPLE)
        sandbox = f"Sandbox - {person}" + (f" {person_round + 1}" if person_round else "")
        yield _Account(sandbox, f"aws+{slug(sandbox)}@{DOMAIN}", "Sandbox", _tags("CC-0300", slug(person), "sandbox"))
        step += 1


def planned_accounts(accounts: int) -> list[_Account]:
    """The first `accounts` member accounts of the shape: CORE, then fillers."""
    if accounts < len(CORE):
        raise ValueError(f"an existing organization of this shape has at least {len(CORE)} member accounts, not {accounts}")
    fillers = _fillers()
    return [*CORE, *(next(fillers) for _ in range(accounts - len(CORE)))]


# --- the policies --------------------------------------------------------------------------------

GLOBAL_SERVICES = ["iam:*", "organizations:*", "sts:*", "support:*", "route53:*", "cloudfront:*", "budgets:*", "ce:*", "health:*"]
PLATFORM_TAGS = {"owner": "platform-team", "managed-by": "console"}


@dataclass(frozen=True)
class _Policy:
    name: str
    type: str
    description: str
    document: Mapping[str, Any]
    targets: tuple[str, ...]  # Root, OU paths, account names
    tags: Mapping[str, str] = field(default_factory=dict)


def _deny(sid: str, action: Any, condition: Mapping[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A Deny statement; `action` None when `extra` gives NotAction."""
    statement = {"Sid": sid, "Effect": "Deny", **({"Action": action} if action is not None else {}), "Resource": "*", **extra}
    if condition:
        statement["Condition"] = condition
    return statement


def _document(*statements: Mapping[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


EXCEPT_ACCESS_ROLE = {"ArnNotLike": {"aws:PrincipalARN": f"arn:{PARTITION}:iam::*:role/{ACCESS_ROLE}"}}

POLICIES = (
    _Policy(
        "DenyLeaveOrganization",
        "SERVICE_CONTROL_POLICY",
        "Member accounts cannot leave the organization or close themselves",
        _document(_deny("DenyLeave", ["organizations:LeaveOrganization", "account:CloseAccount"])),
        (ROOT,),
        PLATFORM_TAGS,
    ),
    _Policy(
        "deny-root-user",
        "SERVICE_CONTROL_POLICY",
        "No actions as the root user of member accounts",
        _document(_deny("DenyRootUser", "*", {"StringLike": {"aws:PrincipalArn": f"arn:{PARTITION}:iam::*:root"}})),
        (ROOT,),
        {"owner": "security-team"},
    ),
    _Policy(
        "Region Deny",
        "SERVICE_CONTROL_POLICY",
        "Only eu-west-1 and us-east-1, global services aside",
        _document(
            _deny(
                "DenyOtherRegions",
                None,
                {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}, **EXCEPT_ACCESS_ROLE},
                NotAction=GLOBAL_SERVICES,
            )
        ),
        ("Workloads", "Sandbox", "Infrastructure", "Policy Canary"),  # one policy, four targets
        {"owner": "platform-team", "ticket": "PLAT-1182"},
    ),
    _Policy(
        "SandboxAllowList",
        "SERVICE_CONTROL_POLICY",
        "Allow-list for personal sandboxes: these services only",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AllowListed",
                    "Effect": "Allow",
                    "Action": ["ec2:*", "s3:*", "lambda:*", "dynamodb:*", "logs:*", "cloudwatch:*", "iam:*", "sts:*", "sqs:*", "sns:*"],
                    "Resource": "*",
                }
            ],
        },
        (ALLOW_LISTED_OU,),
        {"owner": "platform-team"},
    ),
    _Policy(
        "ProtectSecurityTooling",
        "SERVICE_CONTROL_POLICY",
        "Keep GuardDuty, Config and CloudTrail running in the security accounts",
        _document(
            _deny(
                "ProtectTooling",
                [
                    "guardduty:Delete*",
                    "guardduty:Disassociate*",
                    "config:Delete*",
                    "config:Stop*",
                    "cloudtrail:StopLogging",
                    "cloudtrail:DeleteTrail",
                ],
                EXCEPT_ACCESS_ROLE,
            )
        ),
        ("Security",),
        {"owner": "security-team"},
    ),
    _Policy(
        "Deny Expensive Instances",
        "SERVICE_CONTROL_POLICY",
        "Small instance types only outside production",
        _document(
            _deny(
                "SmallInstancesOnly",
                "ec2:RunInstances",
                {"ForAnyValue:StringNotLike": {"ec2:InstanceType": ["t3.*", "t4g.*", "m7g.large"]}},
                Resource=f"arn:{PARTITION}:ec2:*:*:instance/*",
            )
        ),
        ("Sandbox", "Workloads/Dev"),
    ),
    _Policy(
        "PCI Guardrails",
        "SERVICE_CONTROL_POLICY",
        "Cardholder-data scope: encryption and no public access",
        _document(
            _deny("NoUnencryptedVolumes", "ec2:CreateVolume", {"Bool": {"ec2:Encrypted": "false"}}),
            # DeleteAccountPublicAccessBlock is authorized by s3:PutAccountPublicAccessBlock (Service Authorization Reference)
            _deny("NoPublicAccessBlockChanges", ["s3:PutAccountPublicAccessBlock", "s3:PutBucketPublicAccessBlock"]),
        ),
        (DEEPEST_OU,),
        {"owner": "payments-team", "compliance": "pci-dss"},
    ),
    _Policy(
        "DenyPublicS3",
        "SERVICE_CONTROL_POLICY",
        "The data lake's buckets stay private",
        _document(_deny("DenyPublicAcl", ["s3:PutBucketAcl", "s3:PutObjectAcl"], {"StringEquals": {"s3:x-amz-acl": "public-read"}})),
        ("Data Lake Prod",),  # an account-level attachment
    ),
    # Left behind by earlier work, attached nowhere.
    _Policy(
        "old-region-deny-v1",
        "SERVICE_CONTROL_POLICY",
        "",
        _document(_deny("DenyOtherRegions", "*", {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}})),
        (),
    ),
    _Policy(
        "TEMP-exception-INC4821",
        "SERVICE_CONTROL_POLICY",
        "Temporary: lets the DR test run in us-west-2. Remove after 2023-03-31",
        _document(_deny("Placeholder", "ec2:DeleteFlowLogs")),
        (),
    ),
    # One per product team, on its production OU: with the rest, more than a page of SCPs.
    *(
        _Policy(
            f"{slug(product)}-deny-iam-users",
            "SERVICE_CONTROL_POLICY",
            f"{product}: no IAM users or access keys in production",
            _document(_deny("NoIamUsers", ["iam:CreateUser", "iam:CreateAccessKey"], EXCEPT_ACCESS_ROLE)),
            (f"Workloads/Prod/{product}",),
            {"owner": slug(product) + "-team"},
        )
        for product in PRODUCTS
    ),
    _Policy(
        "EnforceSecureTransport",
        "RESOURCE_CONTROL_POLICY",
        "Resources refuse requests without TLS",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "EnforceSecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": ["s3:*", "sqs:*", "kms:*", "secretsmanager:*", "sts:*"],
                    "Resource": "*",
                    "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}},
                }
            ],
        },
        (ROOT,),
        {"owner": "security-team"},
    ),
    _Policy(
        "DataPerimeter",
        "RESOURCE_CONTROL_POLICY",
        "Production data stays inside the organization",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "OrganizationOnly",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": ["s3:*", "secretsmanager:*"],
                    "Resource": "*",
                    "Condition": {
                        "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "{organization_id}"},
                        "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
                    },
                }
            ],
        },
        ("Workloads/Prod",),
    ),
    _Policy(
        "cost-center-tags",
        "TAG_POLICY",
        "cost-center on every instance and bucket",
        {
            "tags": {
                "cost-center": {
                    "tag_key": {"@@assign": "cost-center"},
                    "tag_value": {"@@assign": ["CC-*"]},
                    "enforced_for": {"@@assign": ["ec2:instance", "s3:bucket"]},
                }
            }
        },
        (ROOT, "Workloads"),
        {"owner": "finops"},
    ),
    _Policy(
        "AI opt-out",
        "AISERVICES_OPT_OUT_POLICY",
        "No AI service may store or use our content",
        {"services": {"default": {"opt_out_policy": {"@@assign": "optOut"}}}},
        (ROOT,),
    ),
)

# Trusted access, and who administers what for the organization.
TRUSTED_SERVICES = (
    "cloudtrail.amazonaws.com",
    "sso.amazonaws.com",
    "member.org.stacksets.cloudformation.amazonaws.com",
    "ram.amazonaws.com",
    "tagpolicies.tag.amazonaws.com",
    "account.amazonaws.com",
    "guardduty.amazonaws.com",
    "access-analyzer.amazonaws.com",
    "config.amazonaws.com",
    "config-multiaccountsetup.amazonaws.com",
)
DELEGATED_ADMINISTRATORS = (
    ("Security Tooling", "guardduty.amazonaws.com"),
    ("Security Tooling", "access-analyzer.amazonaws.com"),
    ("Audit", "config-multiaccountsetup.amazonaws.com"),
)
ALIAS = "acme-corp-management"
TRAIL = "org-trail"
BUDGET = "Monthly AWS spend"


# --- the build -----------------------------------------------------------------------------------


def build_existing_organization(
    client: ClientFactory = emulated_clients,
    *,
    accounts: int = 120,
    mark_invited: Callable[[str], None] = mark_invited_in_moto,
) -> ExistingOrganization:
    """Create the organization in the AWS that `client` reaches (by default the in-process
    emulator: call inside `emulated_aws()`), with `accounts` member accounts (at least 18; the
    management account is extra). `mark_invited` makes an account read as invited (see the module
    docstring). Returns what it made."""
    start = time.perf_counter()
    plan = planned_accounts(accounts)
    organizations = client("organizations")
    organization = organizations.create_organization(FeatureSet="ALL")["Organization"]
    management_account_id = organization["MasterAccountId"]
    root_id = organizations.list_roots()["Roots"][0]["Id"]
    for policy_type in POLICY_TYPES:
        organizations.enable_policy_type(RootId=root_id, PolicyType=policy_type)
    _wait_for_policy_types(organizations, root_id)

    ous: dict[str, str] = {}
    for path in OUS:
        parent, _, name = path.rpartition("/")
        ous[path] = organizations.create_organizational_unit(ParentId=ous[parent] if parent else root_id, Name=name)["OrganizationalUnit"][
            "Id"
        ]

    made: dict[str, AccountFacts] = {}
    for account in plan:
        account_id = _create_account(organizations, account)
        if account.ou != ROOT:
            organizations.move_account(AccountId=account_id, SourceParentId=root_id, DestinationParentId=ous[account.ou])
        made[account.name] = AccountFacts(account_id, account.name, account.email, account.ou, MappingProxyType(dict(account.tags)))

    invited = made[INVITED]
    _remove_access_role(client, invited.id)
    mark_invited(invited.id)
    organizations.tag_resource(ResourceId=invited.id, Tags=[{"Key": k, "Value": v} for k, v in INVITED_TAGS.items()])
    made[INVITED] = AccountFacts(invited.id, INVITED, invited.email, invited.ou, MappingProxyType(INVITED_TAGS), joined_method="INVITED")

    suspended = made[SUSPENDED]
    organizations.close_account(AccountId=suspended.id)
    _wait_for_state(organizations, suspended.id, "SUSPENDED")
    made[SUSPENDED] = AccountFacts(suspended.id, SUSPENDED, suspended.email, suspended.ou, suspended.tags, state="SUSPENDED")

    def target(label: str) -> str:
        return root_id if label == ROOT else ous[label] if label in ous else made[label].id

    policies: dict[str, PolicyFacts] = {}
    for policy in POLICIES:
        content = minified(policy.document).replace("{organization_id}", organization["Id"])
        summary = organizations.create_policy(
            Name=policy.name,
            Type=policy.type,
            Description=policy.description,
            Content=content,
            **({"Tags": [{"Key": k, "Value": v} for k, v in policy.tags.items()]} if policy.tags else {}),
        )["Policy"]["PolicySummary"]
        targets = frozenset(target(label) for label in policy.targets)
        for target_id in sorted(targets):
            organizations.attach_policy(PolicyId=summary["Id"], TargetId=target_id)
        policies[policy.name] = PolicyFacts(
            summary["Id"], policy.name, policy.type, policy.description, content, MappingProxyType(dict(policy.tags)), targets
        )

    # AWS refuses to detach a target's last SCP: the allow-list went on first (above).
    everything = {root_id, management_account_id, *ous.values(), *(a.id for a in made.values())}
    detached = (ALLOW_LISTED_OU,)
    full_aws_access = _managed(organizations, FULL_AWS_ACCESS, "SERVICE_CONTROL_POLICY")
    for path in detached:
        organizations.detach_policy(PolicyId=full_aws_access["Id"], TargetId=ous[path])
    for managed, policy_type, without in (
        (full_aws_access, "SERVICE_CONTROL_POLICY", {ous[path] for path in detached}),
        (_managed(organizations, RCP_FULL_AWS_ACCESS, "RESOURCE_CONTROL_POLICY"), "RESOURCE_CONTROL_POLICY", set()),
    ):
        content = organizations.describe_policy(PolicyId=managed["Id"])["Policy"]["Content"]
        policies[managed["Name"]] = PolicyFacts(
            managed["Id"],
            managed["Name"],
            policy_type,
            managed.get("Description", ""),
            content,
            MappingProxyType({}),
            frozenset(everything - without),
            aws_managed=True,
        )

    for service in TRUSTED_SERVICES:
        organizations.enable_aws_service_access(ServicePrincipal=service)
    for name, service in DELEGATED_ADMINISTRATORS:
        organizations.register_delegated_administrator(AccountId=made[name].id, ServicePrincipal=service)

    contacts = _alternate_contacts(client, made[TWELVE_TAGS].id)
    own = organizations.describe_account(AccountId=management_account_id)["Account"]
    management_account = AccountFacts(management_account_id, own["Name"], own["Email"], ROOT, MappingProxyType({}))
    baseline = _management_baseline(client, management_account_id)
    return ExistingOrganization(
        organization_id=organization["Id"],
        root_id=root_id,
        management_account_id=management_account_id,
        management_account=management_account,
        policy_types=POLICY_TYPES,
        ous=MappingProxyType(ous),
        accounts=MappingProxyType(made),
        policies=MappingProxyType(policies),
        suspended_account_id=suspended.id,
        invited_account_id=invited.id,
        full_aws_access_detached=detached,
        deepest_ou=DEEPEST_OU,
        trusted_services=TRUSTED_SERVICES,
        delegated_administrators=DELEGATED_ADMINISTRATORS,
        alternate_contacts=MappingProxyType({TWELVE_TAGS: contacts}),
        management=baseline,
        seconds=time.perf_counter() - start,
    )


def _managed(organizations: Any, name: str, policy_type: str) -> dict[str, Any]:
    pages = organizations.get_paginator("list_policies").paginate(Filter=policy_type)
    return next(p for page in pages for p in page["Policies"] if p["AwsManaged"] and p["Name"] == name)


def _wait_for_policy_types(organizations: Any, root_id: str, attempts: int = 60) -> None:
    """EnablePolicyType is asynchronous (PENDING_ENABLE first); attaching waits for ENABLED."""
    for _ in range(attempts):
        root = next(r for r in organizations.list_roots()["Roots"] if r["Id"] == root_id)
        if all(any(t["Type"] == wanted and t["Status"] == "ENABLED" for t in root["PolicyTypes"]) for wanted in POLICY_TYPES):
            return
        time.sleep(1)
    raise TimeoutError(f"policy types not enabled on {root_id}: {root['PolicyTypes']}")


def _create_account(organizations: Any, account: _Account, attempts: int = 120) -> str:
    """CreateAccount is asynchronous: it returns a request, to poll until it succeeds."""
    tags = [{"Key": k, "Value": v} for k, v in account.tags.items()]
    status = organizations.create_account(AccountName=account.name, Email=account.email, **({"Tags": tags} if tags else {}))[
        "CreateAccountStatus"
    ]
    for _ in range(attempts):
        if status["State"] == "SUCCEEDED":
            return str(status["AccountId"])
        if status["State"] == "FAILED":
            raise RuntimeError(f"CreateAccount {account.name}: {status.get('FailureReason')}")
        time.sleep(1)
        status = organizations.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]
    raise TimeoutError(f"CreateAccount {account.name} still {status['State']}")


def _wait_for_state(organizations: Any, account_id: str, state: str, attempts: int = 60) -> None:
    """CloseAccount passes through PENDING_CLOSURE."""
    for _ in range(attempts):
        if organizations.describe_account(AccountId=account_id)["Account"]["State"] == state:
            return
        time.sleep(1)
    raise TimeoutError(f"account {account_id} never reached {state}")


def _remove_access_role(client: ClientFactory, account_id: str) -> None:
    """An invited account has no OrganizationAccountAccessRole: remove the one CreateAccount made,
    from inside the account (credentials assumed from the management account)."""
    credentials = client("sts").assume_role(
        RoleArn=f"arn:{PARTITION}:iam::{account_id}:role/{ACCESS_ROLE}", RoleSessionName="existing-organization"
    )["Credentials"]
    iam = client(
        "iam",
        {
            "aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"],
        },
    )
    for attached in iam.list_attached_role_policies(RoleName=ACCESS_ROLE)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=ACCESS_ROLE, PolicyArn=attached["PolicyArn"])
    for inline in iam.list_role_policies(RoleName=ACCESS_ROLE)["PolicyNames"]:
        iam.delete_role_policy(RoleName=ACCESS_ROLE, PolicyName=inline)
    iam.delete_role(RoleName=ACCESS_ROLE)


def _alternate_contacts(client: ClientFactory, member_account_id: str) -> tuple[str, ...]:
    """SECURITY and BILLING contacts: the management account's own (no AccountId), and a member's
    (AccountId, with trusted access for account.amazonaws.com, enabled above)."""
    account = client("account")
    for contact_type, name, email in (("SECURITY", "Security Team", f"security@{DOMAIN}"), ("BILLING", "Finance", f"aws-billing@{DOMAIN}")):
        account.put_alternate_contact(
            AlternateContactType=contact_type, Name=name, Title="Team", EmailAddress=email, PhoneNumber="+1-555-0100"
        )
    account.put_alternate_contact(
        AccountId=member_account_id,
        AlternateContactType="SECURITY",
        Name="Payments Security",
        Title="Team",
        EmailAddress=f"payments-security@{DOMAIN}",
        PhoneNumber="+1-555-0101",
    )
    return ("SECURITY",)


def _management_baseline(client: ClientFactory, management_account_id: str) -> ManagementFacts:
    """What a platform team set up by hand in the management account over the years."""
    iam = client("iam")
    iam.update_account_password_policy(
        MinimumPasswordLength=14,
        RequireSymbols=True,
        RequireNumbers=True,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True,
        AllowUsersToChangePassword=True,
        MaxPasswordAge=90,
        PasswordReusePrevention=24,
    )
    iam.create_account_alias(AccountAlias=ALIAS)
    iam.create_group(GroupName="Admins")
    iam.put_group_policy(GroupName="Admins", PolicyName="admin", PolicyDocument=minified(_allow("*")))
    iam.create_user(UserName="ci-deployer", Tags=[{"Key": "owner", "Value": "platform-team"}])
    iam.add_user_to_group(GroupName="Admins", UserName="ci-deployer")  # a CI user with admin: what reviews find
    iam.create_access_key(UserName="ci-deployer")
    trust = _document(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:{PARTITION}:iam::{management_account_id}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        }
    )
    iam.create_role(RoleName="BreakGlass", AssumeRolePolicyDocument=minified(trust), Description="Emergency access")
    iam.put_role_policy(RoleName="BreakGlass", PolicyName="admin", PolicyDocument=minified(_allow("*")))

    bucket = f"acme-corp-org-trail-{management_account_id}"
    s3 = client("s3")
    s3.create_bucket(Bucket=bucket)
    trail_arn = f"arn:{PARTITION}:cloudtrail:{HOME_REGION}:{management_account_id}:trail/{TRAIL}"
    s3.put_bucket_policy(Bucket=bucket, Policy=minified(_trail_bucket_policy(bucket, trail_arn)))
    cloudtrail = client("cloudtrail")
    cloudtrail.create_trail(
        Name=TRAIL, S3BucketName=bucket, IsMultiRegionTrail=True, IsOrganizationTrail=True, EnableLogFileValidation=True
    )
    cloudtrail.start_logging(Name=TRAIL)

    client("budgets").create_budget(
        AccountId=management_account_id,
        Budget={
            "BudgetName": BUDGET,
            "BudgetLimit": {"Amount": "25000", "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
        },
        NotificationsWithSubscribers=[
            {
                "Notification": {
                    "NotificationType": "ACTUAL",
                    "ComparisonOperator": "GREATER_THAN",
                    "Threshold": 80.0,
                    "ThresholdType": "PERCENTAGE",
                },
                "Subscribers": [{"SubscriptionType": "EMAIL", "Address": f"finops@{DOMAIN}"}],
            }
        ],
    )
    return ManagementFacts(
        alias=ALIAS,
        minimum_password_length=14,
        iam_groups=("Admins",),
        iam_users=("ci-deployer",),
        iam_roles=("BreakGlass",),
        trails=(TRAIL,),
        trail_bucket=bucket,
        budgets=(BUDGET,),
        alternate_contacts=("BILLING", "SECURITY"),
    )


def _allow(action: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}


def _trail_bucket_policy(bucket: str, trail_arn: str) -> dict[str, Any]:
    """CloudTrail's delivery needs, each statement scoped to the trail (aws:SourceArn)."""
    source = {"StringEquals": {"aws:SourceArn": trail_arn}}
    service = {"Service": "cloudtrail.amazonaws.com"}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AclCheck",
                "Effect": "Allow",
                "Principal": service,
                "Action": "s3:GetBucketAcl",
                "Resource": f"arn:{PARTITION}:s3:::{bucket}",
                "Condition": source,
            },
            {
                "Sid": "Write",
                "Effect": "Allow",
                "Principal": service,
                "Action": "s3:PutObject",
                "Resource": f"arn:{PARTITION}:s3:::{bucket}/AWSLogs/*",
                "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}},
            },
        ],
    }
