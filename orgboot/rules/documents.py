"""Every policy document org.yaml points at, linted for what AWS would refuse or what would
match nothing (orgboot/policy/lint.py), reported at its file and line; and advised on where AWS
accepts it but a scanner would flag it (a warning, not an error)."""

from collections.abc import Iterator

from orgboot.policy.findings import Finding
from orgboot.policy.lint import KIND_OF_POLICY_TYPE, DocumentKind, advise, lint
from orgboot.spec import OrgSpec, PolicyDocument, Problem
from orgboot.spec.problems import Loc


def _problems(document: PolicyDocument, kind: DocumentKind, loc: Loc) -> Iterator[Problem]:
    yield from _located(document, lint(document.content, kind), loc)


def _located(document: PolicyDocument, findings: list[Finding], loc: Loc) -> Iterator[Problem]:
    owner = ".".join(str(part) for part in loc)
    for finding in findings:
        key = ".".join(str(part) for part in finding.path)
        if document.file:
            yield Problem(loc, f"{finding.message} [{owner}]", at=(document.file, document.line_of(finding.path), key))
        else:  # a document orgboot wrote from guardrails: their entry in org.yaml is the place
            yield Problem(loc, f"{finding.message} (at {key} of the document the guardrails become)")


def documents_are_valid_policies(spec: OrgSpec) -> Iterator[Problem]:
    for key, policy in spec.organization_policies.items():
        loc = spec.document_loc(key)
        yield from _problems(policy.document, KIND_OF_POLICY_TYPE[policy.type], loc)
    for name, group in spec.management_baseline.groups.items():
        for index, document in enumerate(group.inline_policies):
            yield from _problems(document, "identity", ("management_baseline", "groups", name, "inline_policies", index))
    for name, role in spec.member_roles.catalogue.items():
        for index, document in enumerate(role.inline_policies):
            yield from _problems(document, "identity", ("member_roles", "catalogue", name, "inline_policies", index))
    center = spec.identity_center
    for name, permission_set in (center.permission_sets if center else {}).items():
        if permission_set.inline_policy is not None:
            yield from _problems(permission_set.inline_policy, "identity", ("identity_center", "permission_sets", name, "inline_policy"))


def organization_policies_follow_advice(spec: OrgSpec) -> Iterator[Problem]:
    """A warning rule: what the lint advises on the organization policies (an AI opt-out that child
    policies can override, say), at the document's file and line."""
    for key, policy in spec.organization_policies.items():
        document = policy.document
        yield from _located(document, advise(document.content, KIND_OF_POLICY_TYPE[policy.type]), spec.document_loc(key))


def inline_policy_names_distinct(spec: OrgSpec) -> Iterator[Problem]:
    """An inline policy is named after its file: two files of one name on one group or role
    would be one policy, the second silently replacing the first."""
    owners = [
        (("management_baseline", "groups", name, "inline_policies"), group.inline_policies)
        for name, group in spec.management_baseline.groups.items()
    ] + [
        (("member_roles", "catalogue", name, "inline_policies"), role.inline_policies) for name, role in spec.member_roles.catalogue.items()
    ]
    for loc, documents in owners:
        # orgboot writes a group's switch-roles policy itself: a file of that name would vanish under it.
        first: dict[str, str] = (
            {"switch-roles": "the policy orgboot writes for the group's grants"} if loc[0] == "management_baseline" else {}
        )
        for index, document in enumerate(documents):
            if document.name in first:
                yield Problem(
                    (*loc, index),
                    f"'{document.path}' and '{first[document.name]}' would both be the inline policy '{document.name}'; rename one file",
                )
            first.setdefault(document.name, document.path)
