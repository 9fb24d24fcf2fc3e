"""orgboot simulate: may this principal do this here? Decided offline from the spec, with the
deciding statement at each level, what the answer assumed, and, for CI, whether it is the
expected one (--expect, or a file of assertions)."""

import argparse
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from orgboot.analysis.assertions import EXPECTED, AssertionsError, Outcome, check, read_assertions
from orgboot.analysis.labels import Labeller
from orgboot.analysis.simulate import MANAGEMENT, Answer, Assumed, Route, SimulationError, simulate
from orgboot.cli.status import FINDINGS, OK, USAGE
from orgboot.policy.evaluation import Decision
from orgboot.policy.statements import Statement
from orgboot.rules import load_spec

HELP = "decide one request against the organization the spec deploys, offline"
ASSERTIONS = "access-assertions.yaml"  # the name the sample workflows look for, beside org.yaml
EXAMPLES = f"""examples:
  orgboot simulate --account shop-prod --principal Admins --action iam:CreateUser
  orgboot simulate --account management --principal Admins --action iam:CreateUser
  orgboot simulate --account shop-prod --principal OrganizationAccountAccessRole --action iam:DeleteRole \\
      --resource arn:aws:iam::ACCOUNT:role/Admin
  orgboot simulate --account shop-prod --principal arn:aws:iam::999988887777:role/Auditor \\
      --action sts:AssumeRole --resource arn:aws:iam::ACCOUNT:role/ExternalAudit --expect allow
  orgboot simulate --account shop-dev --principal arn:aws:iam::ACCOUNT:role/app --action s3:GetObject \\
      --resource arn:aws:s3:::bucket/key --context aws:SecureTransport=false --json
  orgboot simulate --account shop-prod --principal Developers --action s3:DeleteBucket --resource arn:aws:s3:::shop-data
  orgboot simulate --account shop-dev --principal permission-set:PlatformAdmin --action iam:CreateRole
  orgboot simulate --assertions {ASSERTIONS}
PRINCIPAL is a group or user of the management baseline (in a member account: through each role it
may assume there; in {MANAGEMENT}: directly, and through the administrator and support roles), a role
orgboot deploys in that account (a member role, the access role, the support or administrator role
in {MANAGEMENT}), an IAM Identity Center group (through each permission set assigned to it in that
account), a permission set (the role Identity Center provisions for it there), or an ARN, taken as
allowed by its own identity policies so that only the organization's and the resource's policies
decide. A name that means two of these is refused: write iam-group:NAME, user:NAME, role:NAME,
ic-group:NAME or permission-set:NAME. In an ARN, ACCOUNT stands for the account
--account (or --resource-account) names, and so does that account's account_id; any other 12-digit
ID is outside the organization (a third party), kept as given: --account then says where its request
goes. Every context key the answer fills in (region, TLS, organization keys, MFA) is listed, and so
is the resource * when --resource is not given (a note says when a specific one would be denied).
Exit status: 0 answered (and as expected), 1 an expectation failed, 2 a question the spec cannot answer."""


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("simulate", help=HELP, description=HELP[0].upper() + HELP[1:] + ".", epilog=EXAMPLES,
                                 parents=[common], formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("spec", nargs="?", default="org.yaml", help="the organization spec (default: org.yaml)")
    parser.add_argument(
        "--account", metavar="KEY", help=f"where the principal is (or a third party's request goes): an account key, or {MANAGEMENT}"
    )
    parser.add_argument("--principal", metavar="PRINCIPAL",
                        help="who makes the request: a group, user, role, Identity Center group or permission set, or an ARN")  # fmt: skip
    parser.add_argument("--action", help="the action, like s3:GetObject")
    parser.add_argument("--resource", default="*", metavar="ARN", help="the resource (default: *, listed as assumed)")
    parser.add_argument("--resource-account", metavar="KEY", help="the resource's account, if not the principal's")
    parser.add_argument("--region", help="a region AWS has, where the request goes (default: the first one the organization allows)")
    parser.add_argument("--context", action="append", default=[], type=_context, metavar="KEY=VALUE",
                        help="a request context key (repeat a key for several values)")  # fmt: skip
    parser.add_argument("--expect", choices=EXPECTED, help="exit with status 1 unless the answer is this")
    parser.add_argument("--assertions", metavar="FILE", type=Path,
                        help=f"check every expectation of a YAML file instead of one question (like {ASSERTIONS})")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    parser.set_defaults(run=run)


def _context(text: str) -> tuple[str, str]:
    key, separator, value = text.partition("=")
    if not separator or not key:
        raise argparse.ArgumentTypeError(f"{text!r}: write KEY=VALUE, like aws:SecureTransport=true")
    return key, value


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    question = [f"--{name}" for name in ("account", "principal", "action") if getattr(args, name)]
    if args.assertions:
        if question or args.expect:
            err.print(f"orgboot simulate: --assertions checks a file of questions; give it without {', '.join(question or ['--expect'])}")
            return USAGE
        return _run_assertions(args, out, err)
    if missing := [f"--{name}" for name in ("account", "principal", "action") if not getattr(args, name)]:
        err.print(f"orgboot simulate: {', '.join(missing)} missing: a question names the account, the principal and the action"
                  f" (or give --assertions FILE)")  # fmt: skip
        return USAGE
    spec = load_spec(args.spec)
    context: dict[str, str | tuple[str, ...]] = {}
    for key, value in args.context:
        previous = context.get(key)
        context[key] = value if previous is None else (*((previous,) if isinstance(previous, str) else previous), value)
    try:
        answer = simulate(spec, account=args.account, principal=args.principal, action=args.action, resource=args.resource,
                          resource_account=args.resource_account, region=args.region, context=context)  # fmt: skip
    except SimulationError as error:
        err.print(f"orgboot simulate: {escape(str(error))}")
        return USAGE
    holds = args.expect is None or (args.expect == "allow") == answer.allowed
    if args.json:
        print(json.dumps(answer_json(answer) | ({"expected": args.expect, "holds": holds} if args.expect else {}), indent=2))
    else:
        for line in answer_lines(answer):
            out.print(line, soft_wrap=True)
        if not holds:
            err.print(f"orgboot simulate: expected {args.expect}, got {'allow' if answer.allowed else 'deny'}")
    return OK if holds else FINDINGS


def _run_assertions(args: argparse.Namespace, out: Console, err: Console) -> int:
    path: Path = args.assertions
    if not path.is_file():
        err.print(f"orgboot simulate: no assertions file {escape(str(path))} (a YAML list of principal, account, action, expected)")
        return USAGE
    try:
        assertions = read_assertions(path)
    except AssertionsError as error:
        err.print(escape(str(error)), soft_wrap=True)
        return FINDINGS
    outcomes = check(load_spec(args.spec), assertions)
    failed = [o for o in outcomes if not o.holds]
    if args.json:
        print(json.dumps([_outcome_json(o) for o in outcomes], indent=2))
    else:
        for outcome in outcomes:
            mark = "[green]holds[/]" if outcome.holds else "[red]FAILS[/]"
            out.print(f"{mark} {escape(outcome.assertion.where)}: {escape(_outcome_text(outcome))}", soft_wrap=True)
        summary = f"{len(outcomes)} assertion{'s' if len(outcomes) != 1 else ''} in {path}: "
        summary += f"{len(failed)} failed" if failed else "all hold"
        (err if failed else out).print(escape(summary))
    return FINDINGS if failed else OK


def _outcome_text(outcome: Outcome) -> str:
    assertion = outcome.assertion
    if outcome.error:
        return f"{assertion.question}: {outcome.error.key}: {outcome.error.message}"
    text = f"{assertion.question}: {outcome.got}"
    return text if outcome.holds else f"{text}, expected {assertion.expected}"


def _outcome_json(outcome: Outcome) -> dict[str, Any]:
    assertion = outcome.assertion
    found: dict[str, Any] = {"file": assertion.file, "line": assertion.line, "question": assertion.question,
                             "expected": assertion.expected, "holds": outcome.holds}  # fmt: skip
    if outcome.error:
        return found | {"error": str(outcome.error)}
    return found | {"answer": answer_json(outcome.answer)} if outcome.answer else found


# Rendering ------------------------------------------------------------------------------------------


def answer_lines(answer: Answer) -> list[str]:
    """The answer as a person reads it: the decision, the path to it, what it escaped, what it assumed."""
    colour = {"allow": "green", "explicit_deny": "red", "implicit_deny": "yellow"}[answer.decision]
    lines = []
    if answer.through_roles:
        verdict = "allow" if answer.allowed else "deny"
        lines.append(f"[bold {colour}]{verdict}[/]: {escape(answer.principal)}: {escape(answer.summary)}")
        for route in answer.routes:
            lines += _route_lines(answer, route)
    else:
        route = answer.routes[0]
        decision = route.decision
        assert decision is not None  # a direct request is always decided
        lines.append(f"[bold {colour}]{decision.decision.replace('_', ' ')}[/]: {escape(answer.labels.text(decision.reason))}")
        lines += _decision_lines(answer, decision, "  ")
        lines += [f"  escaped: {escape(e.label)}" for e in route.escaped]
    if answer.assumed:
        lines.append("assumed (not given in the question; --context, --region or --resource to say otherwise):")
        lines += [f"  {escape(a.key)} = {escape(_value(a.value))}{_step(a)}: {escape(a.why)}" for a in answer.assumed]
    lines += [f"note: {escape(note)}" for note in answer.notes]
    return lines


def _route_lines(answer: Answer, route: Route) -> list[str]:
    who = answer.principal.split(" (")[0]
    assume = route.assume
    if route.decision is None:
        reason = answer.labels.why(assume) if assume else ""
        return [f"  {escape(who)} -> {route.role}: cannot assume it: {escape(reason)}"]
    decision = route.decision
    step = f"permission set {route.role}" if route.identity_center else route.role
    path = f"{who} -> {step}" if route.role else f"{who} directly"
    lines = [f"  {escape(path)} -> {decision.decision.replace('_', ' ')}: {escape(answer.labels.text(decision.reason))}"]
    lines += _decision_lines(answer, decision, "      ")
    lines += [f"      escaped: {escape(e.label)}" for e in route.escaped]
    return lines


def _decision_lines(answer: Answer, decision: Decision, indent: str) -> list[str]:
    """Each step's statements (the step names the level), then the denying statements."""
    labels = answer.labels
    lines = [
        f"{indent}{escape(labels.text(step.label))}: " + escape("; ".join(labels.statement(s, where=False) for s in step.statements))
        for step in decision.steps
    ]
    if decision.decision == "explicit_deny":
        lines += [f"{indent}denied by {escape(labels.statement(statement))}" for statement in decision.statements]
    return lines


def _step(assumed: Assumed) -> str:
    """ " (in sts:AssumeRole from the management account)" for a key a group's two steps fill differently."""
    return f" (in {escape(assumed.step)})" if assumed.step else ""


def _value(value: str | tuple[str, ...]) -> str:
    return value if isinstance(value, str) else ", ".join(value)


def answer_json(answer: Answer) -> dict[str, Any]:
    routes = [_route_json(answer, route) for route in answer.routes]
    found: dict[str, Any] = {"decision": answer.decision, "answer": answer.summary, "principal": answer.principal}
    if not answer.through_roles:  # one request: its decision at the top, as before routes existed
        found |= {key: routes[0]["decision"][key] for key in ("reason", "statements", "steps")} | {"escaped": routes[0]["escaped"]}
    return found | {
        "routes": routes,
        "assumed": [{"key": a.key, "value": a.value, "why": a.why, "step": a.step or None} for a in answer.assumed],
        "notes": list(answer.notes),
    }


def _route_json(answer: Answer, route: Route) -> dict[str, Any]:
    return {
        "role": route.role,  # for an Identity Center group's route: the permission set
        "identity_center": route.identity_center,
        "assume": _decision_json(answer.labels, route.assume) if route.assume else None,
        "decision": _decision_json(answer.labels, route.decision) if route.decision else None,
        "escaped": [{"policy": e.policy, "source": e.source, "exempt": e.exempt, "label": e.label} for e in route.escaped],
    }


def _decision_json(labels: Labeller, decision: Decision) -> dict[str, Any]:
    """`policy` is the name the evaluated policy has (a guardrail document's key); `label` names it
    as a reader knows it ("guardrail region-deny (on OU Workloads, statement ...)")."""
    return {
        "decision": decision.decision,
        "reason": labels.text(decision.reason),
        "statements": [_statement(labels, s) for s in decision.statements],
        "steps": [
            {"step": labels.text(step.label), "statements": [_statement(labels, s) for s in step.statements]} for step in decision.steps
        ],
    }


def _statement(labels: Labeller, statement: Statement) -> dict[str, str | None]:
    return {"policy": statement.policy.name, "kind": statement.policy.kind, "attached_at": statement.policy.attached_at or None,
            "sid": statement.sid, "statement": str(statement.index + 1), "label": labels.statement(statement)}  # fmt: skip
