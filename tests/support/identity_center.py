"""IAM Identity Center set up as an administrator would, in the emulated AWS: enabled in the spec's
region (the console step, orgboot/emulator/identity_center.py), then with public boto3 calls only
(sso-admin, identitystore and IAM): the groups the spec names (as the identity provider would sync
them), the customer managed policies its permission sets reference (in each account they are
assigned in, as AWS requires), its permission sets, and its assignments expanded over the
accounts. For tests that read Identity Center as an existing organization holds it, without its
stacks."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from orgboot.aws import managed_policies
from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID, assume
from orgboot.emulator.identity_center import enable
from orgboot.spec import OrgSpec
from orgboot.spec.identity_center import MANAGEMENT


def create_organization(aws: Any, spec: OrgSpec) -> dict[str, str]:
    """The spec's OUs and accounts made with plain boto3, as an organization orgboot did not create;
    the account IDs by key (and `management`)."""
    organizations = aws.client("organizations")
    organizations.create_organization(FeatureSet="ALL")
    root = organizations.list_roots()["Roots"][0]["Id"]
    ous = {"Root": root}
    for ou in spec.ou_paths:
        parent, _, name = ou.rpartition("/")
        ous[ou] = organizations.create_organizational_unit(ParentId=ous[parent or "Root"], Name=name)["OrganizationalUnit"]["Id"]
    ids = {MANAGEMENT: MANAGEMENT_ACCOUNT_ID}
    for key, account in spec.accounts.items():
        ids[key] = organizations.create_account(AccountName=account.name, Email=account.email)["CreateAccountStatus"]["AccountId"]
        organizations.move_account(AccountId=ids[key], SourceParentId=root, DestinationParentId=ous[account.ou])
    return ids


def seed_identity_center(aws: Any, spec: OrgSpec, account_ids: Mapping[str, str], source: Path) -> dict[str, str]:
    """`aws`: the management account's clients (.client(service, region)); `account_ids`: account key
    (and `management`) -> ID; `source`: org.yaml, whose folder holds the inline policies. Returns
    the group IDs by display name."""
    center = spec.identity_center
    assert center is not None
    instance = enable(center.region)
    sso, store = aws.client("sso-admin", center.region), aws.client("identitystore", center.region)
    instance_arn, store_id = instance.arn, instance.identity_store_id
    groups = {
        group: store.create_group(IdentityStoreId=store_id, DisplayName=group)["GroupId"]
        for group in dict.fromkeys(assignment.group for assignment in center.assignments)
    }
    arns = {}
    for name, permission_set in center.permission_sets.items():
        optional = {"Description": permission_set.description} if permission_set.description else {}
        if permission_set.relay_state:
            optional["RelayState"] = permission_set.relay_state
        created = sso.create_permission_set(
            InstanceArn=instance_arn, Name=name, SessionDuration=permission_set.session_duration, **optional
        )
        arn = arns[name] = created["PermissionSet"]["PermissionSetArn"]
        ids = {"InstanceArn": instance_arn, "PermissionSetArn": arn}
        for policy in permission_set.managed_policies:
            sso.attach_managed_policy_to_permission_set(**ids, ManagedPolicyArn=managed_policies.arn(policy))
        for reference in permission_set.customer_managed_policies:
            sso.attach_customer_managed_policy_reference_to_permission_set(
                **ids, CustomerManagedPolicyReference={"Name": reference.name, "Path": reference.path}
            )
        if permission_set.inline_policy is not None:
            sso.put_inline_policy_to_permission_set(**ids, InlinePolicy=(source.parent / permission_set.inline_policy.path).read_text())
    for key, pairs in spec.identity_center_assignments().items():
        account_id = account_ids[key]
        iam = aws.client("iam") if account_id == aws.account_id else assume(account_id).client("iam")
        references = {(r.name, r.path) for _, name in pairs for r in center.permission_sets[name].customer_managed_policies}
        for policy, path in sorted(references):
            iam.create_policy(PolicyName=policy, Path=path, PolicyDocument=_READ_NOTHING)
        for group, name in pairs:
            status = sso.create_account_assignment(
                InstanceArn=instance_arn,
                TargetId=account_id,
                TargetType="AWS_ACCOUNT",
                PermissionSetArn=arns[name],
                PrincipalType="GROUP",
                PrincipalId=groups[group],
            )["AccountAssignmentCreationStatus"]
            assert status["Status"] == "SUCCEEDED", status  # it provisions the set's role in the account
    return groups


_READ_NOTHING = '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}'
