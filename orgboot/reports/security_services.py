"""The security services per account (orgboot/state/security_services.py), for `orgboot emulate`:
who runs each for the organization, and what each account has of them, region by region."""

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from orgboot.aws.security_services import ACCESS_ANALYZER, GUARDDUTY, SECURITY_HUB, SHORT_NAMES
from orgboot.state.organization import Organization
from orgboot.state.security_services import AccountServices, SecurityServices

SERVICES = ((ACCESS_ANALYZER, "IAM Access Analyzer"), (GUARDDUTY, "GuardDuty"), (SECURITY_HUB, "Security Hub"))


def security_services_report(services: SecurityServices, organization: Organization) -> Group:
    names = {account_id: node.name for account_id, node in organization.accounts().items()}
    if not services.administrators:
        return Group(Text("Security services: none administered for the organization", style="dim"))
    lines = [
        f"{label}: administered by {names.get(services.administrators[principal], services.administrators[principal])}"
        for principal, label in SERVICES
        if principal in services.administrators
    ]
    table = Table(box=box.SIMPLE, title=f"Security services in {', '.join(services.regions)}", title_justify="left")
    for column in ("Account", "Access Analyzer", "GuardDuty", "Security Hub"):
        table.add_column(column)
    for account_id, found in sorted(services.accounts.items(), key=lambda item: names.get(item[0], item[0])):
        table.add_row(names.get(account_id, account_id), *_cells(found, account_id, services))
    return Group(Text("\n".join(lines)), table)


def _cells(found: AccountServices, account_id: str, services: SecurityServices) -> tuple[str, str, str]:
    every = len(services.regions)

    def regions(count: int) -> str:
        return "every region" if count == every else f"{count} of {every} regions"

    analyzer = f"organization analyzer, {regions(len(found.analyzers))}" if found.analyzers else "[dim]-[/]"
    if not found.guardduty:
        guardduty = "[red]off[/]"
    elif account_id == services.administrators.get(GUARDDUTY):
        guardduty = f"administrator, {regions(len(found.guardduty))}"
    else:
        members = sum(1 for administrator in found.guardduty.values() if administrator)
        guardduty = f"member, {regions(members)}" if members else f"on alone, {regions(len(found.guardduty))}"
    standards = sorted({name for names in found.security_hub.values() for name in names})
    short = ", ".join(SHORT_NAMES.get(name, name) for name in standards)
    security_hub = f"{short or 'no standards'}, {regions(len(found.security_hub))}" if found.security_hub else "[red]off[/]"
    return analyzer, guardduty, security_hub
