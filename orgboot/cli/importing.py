"""orgboot import: read an existing organization and write a repository that describes it (as
`orgboot init` writes one), with the resource mappings `cdk import` takes to adopt it. Read only."""

import argparse
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from orgboot.cli import aws_connection, init
from orgboot.cli.status import FINDINGS, USAGE
from orgboot.spec.adoption import IDS_FILE

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
    try:
        if hint is not None:
            mappings, files, notes = mappings_for(hint, inventory), {}, []
        else:
            imported = import_organization(inventory)
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
