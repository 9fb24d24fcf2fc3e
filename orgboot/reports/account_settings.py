"""The account settings per account (orgboot/state/account_settings.py), for `orgboot emulate`: S3
Block Public Access, EBS encryption by default and AWS Config recording, region by region, and the
alternate contacts."""

from rich import box
from rich.console import Group
from rich.table import Table

from orgboot.state.account_settings import AccountSettings, Settings
from orgboot.state.organization import Organization


def account_settings_report(settings: Settings, organization: Organization) -> Group:
    names = {account_id: node.name for account_id, node in organization.accounts().items()}
    where = f" in {', '.join(settings.regions)}" if settings.regions else ""
    table = Table(box=box.SIMPLE, title=f"Account settings{where}", title_justify="left")
    for column in ("Account", "S3 Block Public Access", "EBS encryption", "AWS Config", "Alternate contacts"):
        table.add_column(column)
    for account_id, found in sorted(settings.accounts.items(), key=lambda item: names.get(item[0], item[0])):
        table.add_row(names.get(account_id, account_id), *_cells(found, len(settings.regions)))
    return Group(table)


def _cells(found: AccountSettings, every: int) -> tuple[str, str, str, str]:
    def regions(count: int) -> str:
        if not count:
            return "[red]off[/]"
        return "every region" if count == every else f"{count} of {every} regions"

    config = regions(len(found.recording))
    if found.aggregators:
        config += ", organization aggregator"
    contacts = ", ".join(kind.lower() for kind in found.contacts) or "[red]none[/]"
    return ("on" if found.block_public_access else "[red]off[/]"), regions(len(found.ebs_encrypted)), config, contacts
