"""The security services' APIs the emulator answers itself (orgboot/emulator/apis/), called as any
AWS client calls them: what AWS refuses is refused, with AWS's error codes."""

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from orgboot.emulator import emulated_aws, management
from orgboot.emulator.aws import AwsAccount

REGION = "eu-west-1"


@pytest.fixture
def organization() -> Iterator[dict[str, str]]:
    """An organization of the management account, an administrator and a member, by role."""
    with emulated_aws():
        organizations = management().client("organizations")
        organizations.create_organization(FeatureSet="ALL")
        created = {
            name: organizations.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]["AccountId"]
            for name in ("admin", "member")
        }
        yield {"management": management().account_id, **created}


def client(account: str, service: str) -> Any:
    return AwsAccount(account, REGION).client(service)


def refused(call, code: str) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    assert caught.value.response["Error"]["Code"] == code
    return str(caught.value.response["Error"]["Message"])


def test_an_organization_analyzer_needs_trusted_access_and_the_registration(organization):
    analyzer = client(organization["admin"], "accessanalyzer")

    def create():
        return analyzer.create_analyzer(analyzerName="org", type="ORGANIZATION")

    assert refused(create, "ValidationException") == "Service not enabled for AWS Organizations"
    organizations = management().client("organizations")
    organizations.enable_aws_service_access(ServicePrincipal="access-analyzer.amazonaws.com")
    assert refused(create, "AccessDeniedException") == f"Account {organization['admin']} is not a delegated administrator"
    organizations.register_delegated_administrator(AccountId=organization["admin"], ServicePrincipal="access-analyzer.amazonaws.com")
    create()
    assert refused(create, "ConflictException").startswith("An analyzer named org already exists")
    # An account's own analyzer needs nothing of the organization.
    client(organization["member"], "accessanalyzer").create_analyzer(analyzerName="mine", type="ACCOUNT")
    organizations.disable_aws_service_access(ServicePrincipal="access-analyzer.amazonaws.com")
    (summary,) = analyzer.list_analyzers()["analyzers"]
    assert (summary["status"], summary["statusReason"]) == ("DISABLED", {"code": "AWS_SERVICE_ACCESS_DISABLED"})


def test_guardduty_administrator_only_from_the_management_account(organization):
    def designate(account: str) -> None:
        client(account, "guardduty").enable_organization_admin_account(AdminAccountId=organization["admin"])

    assert "only the organization's management account" in refused(lambda: designate(organization["member"]), "BadRequestException")
    designate(organization["management"])
    # Designating gives the administrator its detector, and registers it in Organizations.
    (detector,) = client(organization["admin"], "guardduty").list_detectors()["DetectorIds"]
    organizations = management().client("organizations")
    (registered,) = organizations.list_delegated_administrators(ServicePrincipal="guardduty.amazonaws.com")["DelegatedAdministrators"]
    assert registered["Id"] == organization["admin"]
    other = client(organization["management"], "guardduty")
    assert "is the delegated administrator" in refused(
        lambda: other.enable_organization_admin_account(AdminAccountId=organization["member"]), "BadRequestException"
    )
    assert detector


def test_guardduty_members_and_what_they_may_not_do(organization):
    client(organization["management"], "guardduty").enable_organization_admin_account(AdminAccountId=organization["admin"])
    admin = client(organization["admin"], "guardduty")
    (detector,) = admin.list_detectors()["DetectorIds"]
    management_details = [{"AccountId": organization["management"], "Email": "management@example.com"}]
    # The management account is a member only once GuardDuty is on there.
    (unprocessed,) = admin.create_members(DetectorId=detector, AccountDetails=management_details)["UnprocessedAccounts"]
    assert unprocessed["AccountId"] == organization["management"]
    client(organization["management"], "guardduty").create_detector(Enable=True)
    assert admin.create_members(DetectorId=detector, AccountDetails=management_details)["UnprocessedAccounts"] == []
    # NEW reaches accounts that join later, not the member that was there.
    admin.update_organization_configuration(DetectorId=detector, AutoEnableOrganizationMembers="NEW")
    assert {m["AccountId"] for m in admin.list_members(DetectorId=detector)["Members"]} == {organization["management"]}
    admin.update_organization_configuration(DetectorId=detector, AutoEnableOrganizationMembers="ALL")
    member = client(organization["member"], "guardduty")
    (own,) = member.list_detectors()["DetectorIds"]
    assert member.get_administrator_account(DetectorId=own)["Administrator"]["AccountId"] == organization["admin"]
    assert "member of the GuardDuty administrator" in refused(lambda: member.delete_detector(DetectorId=own), "BadRequestException")
    # Only the administrator reads the organization configuration.
    assert "not the delegated administrator" in refused(
        lambda: member.describe_organization_configuration(DetectorId=own), "BadRequestException"
    )


def test_an_operation_the_emulator_lacks_says_so(organization):
    with pytest.raises(NotImplementedError, match="ListFindings"):
        client(organization["admin"], "guardduty").list_findings(DetectorId="0" * 32)


def test_security_hub_central_configuration_needs_what_aws_says(organization):
    security_hub = client(organization["management"], "securityhub")
    assert refused(
        lambda: client(organization["admin"], "securityhub").enable_organization_admin_account(AdminAccountId=organization["admin"]),
        "AccessDeniedException",
    )
    security_hub.enable_organization_admin_account(AdminAccountId=organization["admin"])
    admin = client(organization["admin"], "securityhub")
    central = {"AutoEnable": False, "AutoEnableStandards": "NONE", "OrganizationConfiguration": {"ConfigurationType": "CENTRAL"}}
    assert "finding aggregator" in refused(lambda: admin.update_organization_configuration(**central), "InvalidInputException")
    admin.create_finding_aggregator(RegionLinkingMode="SPECIFIED_REGIONS", Regions=["us-east-1"])
    assert "AutoEnable is false" in refused(
        lambda: admin.update_organization_configuration(**{**central, "AutoEnable": True}), "InvalidInputException"
    )
    admin.update_organization_configuration(**central)
    member = client(organization["member"], "securityhub")
    assert refused(member.describe_organization_configuration, "InvalidAccessException") == (
        f"Account {organization['member']} is not an administrator for this organization"
    )
    # While central configuration is on, neither the administrator nor the aggregator can go.
    assert "central configuration" in refused(
        lambda: security_hub.disable_organization_admin_account(AdminAccountId=organization["admin"]), "InvalidInputException"
    )
    (aggregator,) = admin.list_finding_aggregators()["FindingAggregators"]
    assert "central configuration" in refused(lambda: admin.delete_finding_aggregator(**aggregator), "InvalidInputException")


def test_security_hub_central_configuration_refuses_the_management_account(organization):
    security_hub = client(organization["management"], "securityhub")
    security_hub.enable_organization_admin_account(AdminAccountId=organization["management"])
    security_hub.create_finding_aggregator(RegionLinkingMode="SPECIFIED_REGIONS", Regions=["us-east-1"])
    central = {"AutoEnable": False, "AutoEnableStandards": "NONE", "OrganizationConfiguration": {"ConfigurationType": "CENTRAL"}}
    assert "management account" in refused(lambda: security_hub.update_organization_configuration(**central), "InvalidInputException")
