"""orgboot simulate: may this principal do this here? Decided offline from the spec, with the
deciding statement at each level."""

import argparse
import json

from rich.console import Console

from orgboot.analysis.simulate import MANAGEMENT, SimulationError, simulate
from orgboot.cli.status import USAGE
from orgboot.policy.statements import Statement
from orgboot.rules import load_spec

HELP = "decide one request against the organization the spec deploys, offline"
EXAMPLES = """examples:
  orgboot simulate --account shop-prod --principal Admin --action iam:CreateUser
  orgboot simulate --account management --principal Admins --action sts:AssumeRole \\
      --resource-account audit --resource arn:aws:iam::ACCOUNT:role/Admin --context aws:MultiFactorAuthPresent=true
  orgboot simulate --account shop-dev --principal arn:aws:iam::123456789012:role/app --action s3:GetObject \\
      --resource arn:aws:s3:::bucket/key --context aws:SecureTransport=false --json
ROLE is a role orgboot deploys in that account (a member role, the access role), or in the management
account a group (its member) or the support role; any other principal is given as an ARN and taken as
allowed by its own identity policies, so that only the organization's and the resource's policies decide.
Accounts have no real IDs offline: the account field of the principal's and the resource's ARNs is
taken as the one of --account and --resource-account (ACCOUNT reads well there)."""


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("simulate", help=HELP, description=HELP[0].upper() + HELP[1:] + ".", epilog=EXAMPLES,
                                 parents=[common], formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("spec", nargs="?", default="org.yaml", help="the organization spec (default: org.yaml)")
    parser.add_argument("--account", required=True, metavar="KEY", help=f"the principal's account: an account key, or {MANAGEMENT}")
    parser.add_argument("--principal", required=True, metavar="ARN|ROLE", help="who makes the request")
    parser.add_argument("--action", required=True, help="the action, like s3:GetObject")
    parser.add_argument("--resource", default="*", metavar="ARN", help="the resource (default: *)")
    parser.add_argument("--resource-account", metavar="KEY", help="the resource's account, if not the principal's")
    parser.add_argument("--context", action="append", default=[], type=_context, metavar="KEY=VALUE",
                        help="a request context key (repeat a key for several values)")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the decision as JSON")
    parser.set_defaults(run=run)


def _context(text: str) -> tuple[str, str]:
    key, separator, value = text.partition("=")
    if not separator or not key:
        raise argparse.ArgumentTypeError(f"{text!r}: write KEY=VALUE, like aws:SecureTransport=true")
    return key, value


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    spec = load_spec(args.spec)
    context: dict[str, str | tuple[str, ...]] = {}
    for key, value in args.context:
        previous = context.get(key)
        context[key] = value if previous is None else (*((previous,) if isinstance(previous, str) else previous), value)
    try:
        decision = simulate(spec, account=args.account, principal=args.principal, action=args.action,
                            resource=args.resource,
                            resource_account=args.resource_account, context=context)  # fmt: skip
    except SimulationError as error:
        err.print(f"orgboot simulate: {error}")
        return USAGE
    notes = []
    if "aws:requestedregion" not in {key.lower() for key in context} and any(
        "aws:requestedregion" in json.dumps(statement.condition).lower() for statement in decision.statements
    ):
        notes.append("aws:RequestedRegion was not given; AWS sets it on every request: add --context aws:RequestedRegion=REGION")
    if args.json:
        print(json.dumps({
            "decision": decision.decision,
            "reason": decision.reason,
            "statements": [_statement(s) for s in decision.statements],
            "steps": [{"step": step.label, "statements": [_statement(s) for s in step.statements]} for step in decision.steps],
            "notes": notes,
        }, indent=2))  # fmt: skip
        return 0
    colour = {"allow": "green", "explicit_deny": "red", "implicit_deny": "yellow"}[decision.decision]
    out.print(f"[bold {colour}]{decision.decision.replace('_', ' ')}[/]: {decision.reason}")
    for step in decision.steps:
        out.print(f"  {step.label}: " + "; ".join(s.label for s in step.statements))
    for statement in decision.statements if decision.decision == "explicit_deny" else ():
        out.print(f"  denied by {statement.label}")
    for note in notes:
        out.print(f"  {note}")
    return 0


def _statement(statement: Statement) -> dict[str, str | None]:
    return {"policy": statement.policy.name, "kind": statement.policy.kind, "attached_at": statement.policy.attached_at or None,
            "sid": statement.sid, "statement": str(statement.index + 1)}  # fmt: skip
