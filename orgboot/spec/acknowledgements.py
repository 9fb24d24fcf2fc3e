"""acknowledged_changes in org.yaml: the dangerous changes a pull request makes on purpose, each
with its reason, which `orgboot diff` and `orgboot review` then accept and show:

    acknowledged_changes:
      guardrail-detached:region-deny@Sandbox: the sandbox training needs every region (PR 42)

A change's ID is its kind and its subject; the report prints the ID of every dangerous change.
"""

from typing import Annotated

from pydantic import AfterValidator

from orgboot.suggest import did_you_mean

# The kinds of change `orgboot diff` marks dangerous and a reviewer must acknowledge.
DANGEROUS: dict[str, str] = {
    "account-leaving": "an account leaves orgboot (released): it stays in the organization, but nothing manages it any more",
    "guardrail-detached": "a guardrail, or a written SCP or RCP, no longer applies to a target",
    "admin-access-widened": "a group can become an administrator role in more accounts",
    "password-policy-weakened": "the management account's password policy gets weaker",
    "access-lost": "a group that could reach member accounts can reach none (who still gets in?)",
}


def check_change_id(change_id: str) -> str:
    kind, separator, subject = change_id.partition(":")
    if not separator or not subject:
        raise ValueError(
            f"'{change_id}' is not a change ID: write KIND:SUBJECT as `orgboot diff` prints it, like guardrail-detached:region-deny@Sandbox"
        )
    if kind not in DANGEROUS:
        raise ValueError(f"'{kind}' is not a kind of dangerous change{did_you_mean(kind, DANGEROUS)}; kinds: {', '.join(DANGEROUS)}")
    return change_id


ChangeId = Annotated[str, AfterValidator(check_change_id)]
