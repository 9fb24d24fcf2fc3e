"""The guardrails' documentation keeps up with the library: README and docs/guardrails.md list each
guardrail with the line on why it exists, and docs/guardrails.md says exactly whom each one exempts,
as the documents orgboot writes do."""

import re

from orgboot.aws import stacksets
from orgboot.aws.organizations import ACCESS_ROLE
from orgboot.policy.guardrails import REGISTRY, OrgbootRoles
from tests.conftest import REPO

# The StackSets roll out in us-east-1, which this region deny does not allow, and run security
# services in member accounts: the cases where the StackSets' exemptions exist at all.
PARAMETERS = {"region-deny": {"allowed_regions": ["eu-west-1"]}}
ROLES = OrgbootRoles((ACCESS_ROLE,), ("Admin",), ("999988887777",), "us-east-1", security_services=True)


def test_readme_and_docs_list_every_guardrail_with_its_reason():
    readme = (REPO / "README.md").read_text()
    docs = (REPO / "docs" / "guardrails.md").read_text()
    for guardrail in REGISTRY.values():
        assert f"| `{guardrail.name}`" in readme, guardrail.name
        assert f"| `{guardrail.name}` |" in docs, guardrail.name
        assert guardrail.why.split(" (")[0] in readme, guardrail.name
        assert guardrail.why.split(" (")[0] in docs, guardrail.name


def exempted(name: str) -> tuple[bool, bool]:
    """Whether the guardrail's documents exempt (StackSets execution roles, the access role)."""
    guardrail = REGISTRY[name]
    statements = guardrail.statements(guardrail.parameters.model_validate(PARAMETERS.get(name, {})), ROLES)
    arns = {arn for statement in statements for arn in statement.get("Condition", {}).get("ArnNotLike", {}).get("aws:PrincipalArn", [])}
    return f"arn:aws:iam::*:role/{stacksets.EXECUTION_ROLE_PATTERN}" in arns, f"arn:aws:iam::*:role/{ACCESS_ROLE}" in arns


def test_the_docs_say_whom_each_guardrail_exempts_as_its_documents_do():
    docs = (REPO / "docs" / "guardrails.md").read_text()
    section = docs[docs.index("## What each guardrail exempts") :]
    rows = {
        match["name"]: (match["stacksets"] != "no", match["break_glass"] != "no", match["why"])
        for match in re.finditer(
            r"^\| `(?P<name>[a-z0-9-]+)` \| (?P<stacksets>[^|]+?) \| (?P<break_glass>[^|]+?) \| (?P<why>[^|]+) \|$", section, re.M
        )
    }
    assert set(rows) == set(REGISTRY)
    for name in REGISTRY:
        assert rows[name][:2] == exempted(name), name
        assert rows[name][2].strip(), name  # and why


def test_guardrails_exempt_orgboot_only_where_it_needs_it():
    """The decision the docs explain, in one place: the StackSets where they deploy, break-glass
    where an incident needs it, nobody anywhere else."""
    assert {name: exempted(name) for name in REGISTRY if any(exempted(name))} == {
        "region-deny": (True, False),
        "protect-security-services": (True, False),
        "protect-orgboot-roles": (True, True),
        "quarantine": (True, True),
    }
