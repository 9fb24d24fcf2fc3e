"""orgboot import: read an existing organization and write a repository that describes it (as
`orgboot init` writes one), with the resource mappings `cdk import` takes to adopt it. Read only."""

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

from orgboot.cli import aws_connection, init
from orgboot.cli.status import FINDINGS, USAGE
from orgboot.spec.adoption import IDS_FILE

if TYPE_CHECKING:  # boto3 and the state readers load at run time, never at the CLI's start-up
    from orgboot.state.identity_center import IdentityCenterView
    from orgboot.state.inventory import Inventory

HELP = "read an existing organization into a new repository: org.yaml, policies, and the mappings to adopt it"
MAPPINGS = "cdk-import"


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "import",
        help=HELP,
        description=HELP[0].upper() + HELP[1:] + ". Never writes to AWS, never overwrites a file. See docs/adopt.md.",
        parents=[common],
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="the new repository (created if missing; no file is overwritten)")
    parser.add_argument(
        "--mappings-for",
        metavar="SPEC",
        help="write only DIR/cdk-import/ for what SPEC declares and AWS already holds (a failed first deploy's retained"
        " organization and accounts): SPEC is not rewritten",
    )
    parser.add_argument(
        "--identity-center-region",
        metavar="REGION",
        help="where IAM Identity Center has its organization instance (its home region), to import its permission sets and"
        " assignments into identity_center (default: --region)",
    )
    aws_connection.add_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    from orgboot.rules import findings, load_spec
    from orgboot.spec.importing import ImportRefused, import_organization, mappings_for
    from orgboot.state.inventory import NotAnOrganization, read_inventory

    target = Path(args.out)
    if target.exists() and not target.is_dir():
        err.print(f"orgboot import: {escape(str(target))} is a file, not a folder")
        return USAGE
    # What import writes is known by name before AWS is read, except the policy files: check early.
    if taken := init.conflicts(target, ["org.yaml", f"{MAPPINGS}/{IDS_FILE}"] if args.mappings_for is None else [f"{MAPPINGS}/{IDS_FILE}"]):
        err.print(f"orgboot import: {escape(str(target))} already has {escape(', '.join(taken))}; import never overwrites a file")
        return USAGE
    hint = load_spec(args.mappings_for) if args.mappings_for else None
    try:
        inventory = read_inventory(aws_connection.client_factory(args), management_settings=hint is None)
    except NotAnOrganization as error:
        err.print(f"orgboot import: these credentials reach no organization's management account ({escape(str(error))})")
        return FINDINGS
    except Exception as error:
        if (problem := aws_connection.failure(error, args)) is None:
            raise
        err.print(f"orgboot import: {escape(problem)}")
        return USAGE
    center = None
    if hint is None:
        center, said = _identity_center(args, inventory, err)
        if said is not None:
            return said
    try:
        if hint is not None:
            mappings, files, notes = mappings_for(hint, inventory), {}, []
        else:
            imported = import_organization(inventory, identity_center=center)
            mappings, notes = imported.mappings, imported.notes
            files = {
                **{name: content for name, content in init.starter_files().items() if not name.startswith("policies/")},
                **init.generated_files(target, init.orgboot_pin()),
                "org.yaml": imported.org_yaml.encode(),
                **{name: text.encode() for name, text in imported.policy_files.items()},
            }
    except ImportRefused as error:
        err.print(f"orgboot import: {escape(str(error))}")
        return FINDINGS
    files |= {f"{MAPPINGS}/{stack}.json": init.dumps(mapping).encode() for stack, mapping in mappings.items() if mapping}
    # The root's ID, which no mapping holds: accounts of account stacks at the root need it (stacks/adoption.py).
    files[f"{MAPPINGS}/{IDS_FILE}"] = init.dumps({"root": inventory.root_id}).encode()
    if taken := init.conflicts(target, files):
        err.print(f"orgboot import: {escape(str(target))} already has {escape(', '.join(taken))}; import never overwrites a file")
        return USAGE
    for name, content in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as file:
            file.write(content)

    out.print(
        f"Read organization [bold]{inventory.organization_id}[/]: {len(inventory.ous)} OUs, {len(inventory.accounts)} accounts,"
        f" {len(inventory.policies)} policies; nothing was written to AWS."
    )
    if center is not None:
        out.print(_identity_center_said(center, args))
    for stack, mapping in mappings.items():
        out.print(f"  {MAPPINGS}/{stack}.json  [dim]{len(mapping)} resources to import[/]")
    for note in notes:
        err.print(f"[yellow]note:[/] {escape(note)}")
    if hint is not None:
        out.print(f"Wrote the mappings of what {escape(args.mappings_for)} declares and AWS holds into {escape(str(target))}/{MAPPINGS}.")
        return 0
    init.git_init(target)
    _, problems = findings(target / "org.yaml")
    for located in problems:
        err.print(escape(str(located)))
    out.print(f"Wrote [bold]{escape(str(target))}[/]: org.yaml, {len(files)} files in all. Next: docs/adopt.md, or in short:")
    out.print(f"  cd {escape(str(target))} && orgboot validate && orgboot synth --adopt {MAPPINGS} --output cdk.adopt.out", soft_wrap=True)
    out.print(f"  npx cdk import --app cdk.adopt.out STACK --resource-mapping {MAPPINGS}/STACK.json   (each stack)", soft_wrap=True)
    out.print("  orgboot deploy --base org.yaml (the first deploy after adopting), then orgboot drift")
    if problems:
        err.print(f"[yellow]org.yaml has {len(problems)} problems to settle before adopting (above).[/]")
        return FINDINGS
    return 0


def _identity_center(args: argparse.Namespace, inventory: "Inventory", err: Console) -> tuple["IdentityCenterView | None", int | None]:
    """IAM Identity Center in --identity-center-region (else --region), read from the management
    account. AWS refusing a read (credentials without sso:ListInstances, say) leaves identity_center
    out, said, and the import goes on; AWS out of reach there is a usage error, with its exit code."""
    from botocore.exceptions import ClientError

    from orgboot.state.identity_center import read_identity_center

    region = args.identity_center_region or args.region
    try:
        client = aws_connection.client_factory(args)
        return read_identity_center(client, region, inventory.accounts, inventory.management_account_id), None
    except ClientError as error:
        why = f"{error.response['Error'].get('Code')}: {error.response['Error'].get('Message')}"
        err.print(
            f"[yellow]note:[/] IAM Identity Center in {escape(region)} not read ({escape(why)}): org.yaml has no identity_center;"
            " give these credentials sso:List*, sso:Describe*, sso:Get* and identitystore:Describe* to import it"
        )
        return None, None
    except Exception as error:
        if (problem := aws_connection.failure(error, args)) is None:
            raise
        err.print(f"orgboot import: IAM Identity Center in {escape(region)}: {escape(problem)}")
        return None, USAGE


def _identity_center_said(center: "IdentityCenterView", args: argparse.Namespace) -> str:
    """What import read of IAM Identity Center, and in which region, said which option named it."""
    how = "--identity-center-region" if args.identity_center_region else "--region; --identity-center-region names another"
    if not center.enabled:
        return f"IAM Identity Center is not enabled in {escape(center.region)} ({how}): nothing imported into identity_center."
    sets, assignments = len(center.permission_sets), len(center.assignments)
    return (
        f"IAM Identity Center in [bold]{escape(center.region)}[/] ({how}): {sets} permission set{'s' if sets != 1 else ''},"
        f" {assignments} assignment{'s' if assignments != 1 else ''} (account, principal, permission set)."
    )
