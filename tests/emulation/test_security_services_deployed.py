"""security_baseline's security services deployed into the emulator and read back through boto3,
as a scanner reads them: the delegated administrator registered, its services in every region,
and what a change does (a region added, a service turned off and on again), as AWS would."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from botocore.exceptions import ClientError
from rich.console import Console

from orgboot.emulator import Engine, deploy_assembly, emulated_aws, management
from orgboot.emulator.assembly import read_assembly
from orgboot.emulator.aws import AwsAccount, assume
from orgboot.emulator.server import EmulatorServer
from orgboot.reports.security_services import security_services_report
from orgboot.rules import load_spec
from orgboot.state.organization import read_organization
from orgboot.state.security_services import read_security_services
from tests.conftest import synth

SPEC = """\
emulator_only: true
organization: {policy_types: [SERVICE_CONTROL_POLICY]}
organizational_units: [Security, Workloads]
accounts:
  audit: {name: Audit, email: audit@example.com, ou: Security}
  shop: {name: Shop, email: shop@example.com, ou: Workloads}
guardrails:
  protect-orgboot-roles: {targets: [Root]}
  protect-security-services: {targets: [Root]}
  region-deny: {allowed_regions: [eu-west-1, us-east-1], targets: [Workloads]}
security_baseline:
  delegated_administrator: audit
  guardduty: {}
  security_hub: {}
  access_analyzer: {}
"""
REGIONS = ("eu-west-1", "us-east-1")
ACCESS_ANALYZER = "access-analyzer.amazonaws.com"
GUARDDUTY = "guardduty.amazonaws.com"
SECURITY_HUB = "securityhub.amazonaws.com"
STANDARDS = {
    "arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/5.0.0",
    "arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0",
}


def assembly(directory: Path, change: Callable[[dict[str, Any]], None] | None = None) -> Path:
    data = yaml.safe_load(SPEC)
    if change is not None:
        change(data)
    directory.mkdir(parents=True)
    (directory / "org.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return synth(load_spec(directory / "org.yaml"), directory / "cdk.out")


@pytest.fixture(scope="module")
def assemblies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("security-services")
    return {
        "on": assembly(root / "on"),
        "more regions": assembly(root / "more", lambda d: d["security_baseline"].update(regions=[*REGIONS, "eu-central-1"])),
        "off": assembly(root / "off", lambda d: d["security_baseline"].pop("access_analyzer")),
        "guardduty off": assembly(root / "guardduty-off", lambda d: d["security_baseline"].pop("guardduty")),
        "security hub off": assembly(root / "security-hub-off", lambda d: d["security_baseline"].pop("security_hub")),
        "joined": assembly(
            root / "joined", lambda d: d["accounts"].update(dev={"name": "Dev", "email": "dev@example.com", "ou": "Workloads"})
        ),
    }


@pytest.fixture
def engine() -> Iterator[Engine]:
    with emulated_aws():
        yield Engine()


def account_id(name: str) -> str:
    accounts = management().client("organizations").list_accounts()["Accounts"]
    return next(account["Id"] for account in accounts if account["Name"] == name)


def analyzers(region: str) -> list[dict[str, Any]]:
    return AwsAccount(account_id("Audit"), region).client("accessanalyzer").list_analyzers()["analyzers"]


def delegated_administrators(principal: str = ACCESS_ANALYZER) -> list[str]:
    organizations = management().client("organizations")
    return [admin["Name"] for admin in organizations.list_delegated_administrators(ServicePrincipal=principal)["DelegatedAdministrators"]]


def guardduty(name: str, region: str) -> tuple[Any, str | None]:
    """The account's GuardDuty client in the region, and its detector (None: GuardDuty is off)."""
    client = AwsAccount(account_id(name) if name != "management" else management().account_id, region).client("guardduty")
    detectors = client.list_detectors()["DetectorIds"]
    return client, detectors[0] if detectors else None


def guardduty_members(region: str) -> dict[str, str]:
    """The administrator's members in the region, by account name: their relationship status."""
    client, detector = guardduty("Audit", region)
    names = {a["Id"]: a["Name"] for a in management().client("organizations").list_accounts()["Accounts"]}
    return {names[m["AccountId"]]: m["RelationshipStatus"] for m in client.list_members(DetectorId=detector)["Members"]}


def test_the_delegated_administrator_analyzes_the_organization_in_every_region(engine, assemblies):
    deploy_assembly(engine, assemblies["on"])
    assert delegated_administrators() == ["Audit"]
    enabled = management().client("organizations").list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert ACCESS_ANALYZER in {service["ServicePrincipal"] for service in enabled}
    for region in REGIONS:
        (analyzer,) = analyzers(region)
        assert (analyzer["name"], analyzer["type"], analyzer["status"]) == ("orgboot-organization", "ORGANIZATION", "ACTIVE")
        assert analyzer["arn"] == f"arn:aws:access-analyzer:{region}:{account_id('Audit')}:analyzer/orgboot-organization"
    assert analyzers("eu-central-1") == []
    shop = AwsAccount(account_id("Shop"), "eu-west-1").client("accessanalyzer")
    assert shop.list_analyzers()["analyzers"] == []  # the organization's analyzer lives in the administrator alone


def test_a_region_added_gets_its_analyzer(engine, assemblies):
    deploy_assembly(engine, assemblies["on"])
    deploy_assembly(engine, assemblies["more regions"])
    assert [len(analyzers(region)) for region in (*REGIONS, "eu-central-1")] == [1, 1, 1]
    # GuardDuty designates the administrator there too, and Security Hub links the region to its home.
    assert guardduty_members("eu-central-1") == {"Shop": "Enabled", "master": "Enabled"}
    assert standards("Shop", "eu-central-1") == {arn.format(region="eu-central-1") for arn in STANDARDS}


def test_turned_off_and_on_again(engine, assemblies):
    deploy_assembly(engine, assemblies["on"])
    deploy_assembly(engine, assemblies["off"])
    # The analyzers are deleted (their StackSet with them), the administrator deregistered; the
    # trusted access stays, as Organizations advises (DisableAWSServiceAccess).
    assert [analyzers(region) for region in REGIONS] == [[], []]
    assert delegated_administrators() == []
    enabled = management().client("organizations").list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert ACCESS_ANALYZER in {service["ServicePrincipal"] for service in enabled}
    deploy_assembly(engine, assemblies["on"])
    assert [analyzers(region)[0]["status"] for region in REGIONS] == ["ACTIVE", "ACTIVE"]
    assert delegated_administrators() == ["Audit"]


def test_an_organization_analyzer_needs_the_registration(engine, assemblies):
    """What AWS refuses: the analyzer of an account that is not the delegated administrator."""
    deploy_assembly(engine, assemblies["on"])
    audit, shop = account_id("Audit"), account_id("Shop")
    with pytest.raises(Exception, match=f"Account {shop} is not a delegated administrator"):
        AwsAccount(shop, "eu-west-1").client("accessanalyzer").create_analyzer(analyzerName="mine", type="ORGANIZATION")
    # Deregistered, the administrator's analyzers stay, disabled ("Settings for IAM Access Analyzer").
    management().client("organizations").deregister_delegated_administrator(AccountId=audit, ServicePrincipal=ACCESS_ANALYZER)
    (analyzer,) = analyzers("eu-west-1")
    assert (analyzer["status"], analyzer["statusReason"]) == ("DISABLED", {"code": "DELEGATED_ADMINISTRATOR_DEREGISTERED"})


def test_a_scanner_reads_them_from_the_served_emulator(assemblies):
    """Through the served emulated AWS, as the aws CLI or a scanner would: the management account's
    Organizations, then the administrator's analyzers with credentials of its own."""
    with EmulatorServer() as server:
        assert server.apply(read_assembly(assemblies["on"]), {}).error is None
        session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="eu-west-1")
        organizations = session.client("organizations", endpoint_url=server.url)
        (admin,) = organizations.list_delegated_administrators(ServicePrincipal=ACCESS_ANALYZER)["DelegatedAdministrators"]
        role = f"arn:aws:iam::{admin['Id']}:role/OrganizationAccountAccessRole"
        credentials = session.client("sts", endpoint_url=server.url).assume_role(RoleArn=role, RoleSessionName="scanner")["Credentials"]
        audit = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name="eu-west-1",
        )
        (analyzer,) = audit.client("accessanalyzer", endpoint_url=server.url).list_analyzers(type="ORGANIZATION")["analyzers"]
        assert (analyzer["name"], analyzer["status"]) == ("orgboot-organization", "ACTIVE")
        assert analyzer["arn"].startswith(f"arn:aws:access-analyzer:eu-west-1:{admin['Id']}:")
        guardduty = audit.client("guardduty", endpoint_url=server.url)
        (detector,) = guardduty.list_detectors()["DetectorIds"]
        assert guardduty.describe_organization_configuration(DetectorId=detector)["AutoEnableOrganizationMembers"] == "ALL"
        security_hub = audit.client("securityhub", endpoint_url=server.url, region_name="us-east-1")
        assert security_hub.describe_organization_configuration()["OrganizationConfiguration"]["ConfigurationType"] == "CENTRAL"
        # What the emulator does not emulate fails as moto's gaps do, not silently.
        with pytest.raises(ClientError, match=r"\(501\).*Not Implemented"):
            guardduty.list_findings(DetectorId=detector)


def test_guardduty_in_every_account_and_region(engine, assemblies):
    deploy_assembly(engine, assemblies["on"])
    assert delegated_administrators(GUARDDUTY) == ["Audit"]
    for region in REGIONS:
        admins = management(region).client("guardduty").list_organization_admin_accounts()["AdminAccounts"]
        assert admins == [{"AdminAccountId": account_id("Audit"), "AdminStatus": "ENABLED"}]
        client, detector = guardduty("Audit", region)
        configuration = client.describe_organization_configuration(DetectorId=detector)
        assert (configuration["AutoEnable"], configuration["AutoEnableOrganizationMembers"]) == (True, "ALL")
        # Every account, the management account too (added as a member: auto-enable does not reach it).
        assert guardduty_members(region) == {"Shop": "Enabled", "master": "Enabled"}
        for name in ("Shop", "management"):
            member, own = guardduty(name, region)
            assert member.get_administrator_account(DetectorId=own)["Administrator"]["AccountId"] == account_id("Audit")
    assert guardduty("Shop", "eu-central-1")[1] is None  # not one of the regions


def test_guardduty_reaches_an_account_created_later(engine, assemblies):
    deploy_assembly(engine, assemblies["on"])
    deploy_assembly(engine, assemblies["joined"])
    assert [guardduty_members(region).get("Dev") for region in REGIONS] == ["Enabled", "Enabled"]


def test_guardduty_turned_off_and_on_again(engine, assemblies):
    deploy_assembly(engine, assemblies["on"])
    detectors = {name: guardduty(name, "eu-west-1")[1] for name in ("Audit", "Shop", "management")}
    deploy_assembly(engine, assemblies["guardduty off"])
    # The administrator is gone, and its organization configuration with it; every account keeps
    # GuardDuty on, no longer a member, as DisableOrganizationAdminAccount leaves them.
    assert management("eu-west-1").client("guardduty").list_organization_admin_accounts()["AdminAccounts"] == []
    assert delegated_administrators(GUARDDUTY) == []
    for name, detector in detectors.items():
        client, now = guardduty(name, "eu-west-1")
        assert now == detector
        assert "Administrator" not in client.get_administrator_account(DetectorId=now)
    deploy_assembly(engine, assemblies["on"])
    assert guardduty_members("eu-west-1") == {"Shop": "Enabled", "master": "Enabled"}
    assert {name: guardduty(name, "eu-west-1")[1] for name in detectors} == detectors  # the same detectors, members again


def standards(name: str, region: str) -> set[str]:
    account = account_id(name) if name != "management" else management().account_id
    subscriptions = AwsAccount(account, region).client("securityhub").get_enabled_standards()["StandardsSubscriptions"]
    return {subscription["StandardsArn"] for subscription in subscriptions}


def test_security_hub_central_configuration_runs_both_standards_everywhere(engine, assemblies):
    deploy_assembly(engine, assemblies["on"])
    assert delegated_administrators(SECURITY_HUB) == ["Audit"]
    audit = AwsAccount(account_id("Audit"), "us-east-1").client("securityhub")  # the home region: us-east-1, one of the regions
    configuration = audit.describe_organization_configuration()
    assert configuration["OrganizationConfiguration"]["ConfigurationType"] == "CENTRAL"
    assert configuration["AutoEnable"] is False
    (aggregator,) = audit.list_finding_aggregators()["FindingAggregators"]
    linking = audit.get_finding_aggregator(FindingAggregatorArn=aggregator["FindingAggregatorArn"])
    assert (linking["FindingAggregationRegion"], linking["RegionLinkingMode"], linking["Regions"]) == (
        "us-east-1",
        "SPECIFIED_REGIONS",
        ["eu-west-1"],
    )
    (association,) = audit.list_configuration_policy_associations()["ConfigurationPolicyAssociationSummaries"]
    root = management().client("organizations").list_roots()["Roots"][0]["Id"]
    assert (association["TargetType"], association["TargetId"], association["AssociationStatus"]) == ("ROOT", root, "SUCCESS")
    policy = audit.get_configuration_policy(Identifier=association["ConfigurationPolicyId"])["ConfigurationPolicy"]["SecurityHub"]
    assert policy["ServiceEnabled"] is True
    for region in REGIONS:
        for name in ("Audit", "Shop", "management"):  # the management account too: the root holds it
            assert standards(name, region) == {arn.format(region=region) for arn in STANDARDS}, (name, region)
    with pytest.raises(Exception, match="centrally managed"):
        AwsAccount(account_id("Shop"), "eu-west-1").client("securityhub").disable_security_hub()


def test_security_hub_reaches_an_account_created_later(engine, assemblies):
    deploy_assembly(engine, assemblies["on"])
    deploy_assembly(engine, assemblies["joined"])
    assert [standards("Dev", region) == {arn.format(region=region) for arn in STANDARDS} for region in REGIONS] == [True, True]


def test_security_hub_turned_off_and_on_again(engine, assemblies):
    deploy_assembly(engine, assemblies["on"])
    deploy_assembly(engine, assemblies["security hub off"])
    # Central configuration stopped, its policy gone, the administrator removed; every account
    # keeps Security Hub and the standards it had ("Member accounts retain the configuration").
    assert management().client("securityhub").list_organization_admin_accounts()["AdminAccounts"] == []
    assert delegated_administrators(SECURITY_HUB) == []
    assert standards("Shop", "eu-west-1") == {arn.format(region="eu-west-1") for arn in STANDARDS}
    shop = AwsAccount(account_id("Shop"), "eu-west-1").client("securityhub")
    assert "Administrator" not in shop.get_administrator_account()
    deploy_assembly(engine, assemblies["on"])
    audit = AwsAccount(account_id("Audit"), "us-east-1").client("securityhub")
    assert audit.describe_organization_configuration()["OrganizationConfiguration"]["ConfigurationType"] == "CENTRAL"
    assert shop.get_administrator_account()["Administrator"]["AccountId"] == account_id("Audit")


def test_emulate_shows_the_services_per_account(engine, assemblies):
    """What `orgboot emulate` (make demo) prints after the access matrix, read back through boto3."""
    deploy_assembly(engine, assemblies["on"])
    organization = read_organization(management().client("organizations"))
    services = read_security_services(organization, management(), assume)
    assert services.regions == REGIONS
    console = Console(width=150, record=True, color_system=None)
    console.print(security_services_report(services, organization))
    rows = {line.split()[0]: " ".join(line.split()[1:]) for line in console.export_text().splitlines() if line.strip()}
    assert rows["GuardDuty:"] == "administered by Audit"
    assert rows["Audit"] == "organization analyzer, every region administrator, every region FSBP, CIS 5.0, every region"
    assert rows["Shop"] == "- member, every region FSBP, CIS 5.0, every region"
    assert rows["master"] == "- member, every region FSBP, CIS 5.0, every region"  # the management account
