"""What a spec says the organization must look like, and what boto3 reads back from moto, in
the same terms: the emulation tests compare the two."""

from orgboot.emulator import management
from orgboot.emulator.aws import assume
from orgboot.spec import OrgSpec
from orgboot.state.organization import Organization, read_organization


def placement(spec: OrgSpec) -> dict[str, str]:
    """Account email -> OU path."""
    return {account.email: account.ou for account in spec.accounts.values()}


def actual_placement(organization: Organization) -> dict[str, str]:
    placement = {}
    for node in organization.root.walk():
        for child in node.children:
            if child.kind == "account" and child.id != organization.management_account_id:
                placement[child.email] = node.path
    return placement


def attachments(spec: OrgSpec) -> dict[str, set[str]]:
    """Target (Root, OU path or account email) -> names (in AWS) of the policies attached to it."""
    result: dict[str, set[str]] = {}
    for key, policy in spec.organization_policies.items():
        for target in policy.targets:
            name = spec.accounts[target].email if target in spec.accounts else target
            result.setdefault(name, set()).add(spec.policy_name(key))
    return result


def actual_attachments(organization: Organization) -> dict[str, set[str]]:
    result = {}
    for node in organization.root.walk():
        names = {name for names in node.policies.values() for name in names} - {"FullAWSAccess", "RCPFullAWSAccess"}
        if names:
            result[node.email if node.kind == "account" else node.path] = names
    return result


def roles_by_account_name() -> dict[str, set[str]]:
    organization = read_organization(management().client("organizations"))
    found = {}
    for account_id, node in organization.accounts().items():
        client = (management() if account_id == organization.management_account_id else assume(account_id)).client("iam")
        found[node.name] = {r["RoleName"] for r in client.list_roles()["Roles"]} & {"Admin", "ReadOnly", "ExternalAudit"}
    return found
