"""acknowledged_changes in org.yaml: the changes a pull request makes on purpose, each with its
reason, which `orgboot validate --base`, `orgboot diff` and `orgboot review` then accept and show:

    acknowledged_changes:
      guardrail-detached:region-deny@Sandbox: the sandbox training needs every region (PR 42)
      ou-replaced:Workloads/Prod: moved under Platform; its two accounts run without its SCPs for a minute (PR 43)

A change's ID is its kind and its subject, as the report or the refusal prints it. Each entry names
one change: an entry stays in org.yaml after its pull request merges, and one naming a whole kind
would accept every later change of that kind unseen. `--acknowledge KIND` on the command line
accepts a kind for one run.
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
    "access-lost": "a group that could reach member accounts can reach none",
    "admin-path-lost": "an account loses its last admin path (an IAM group's role or an Identity Center group's permission set"
    " that can administer it), or its last everyday one, leaving only break-glass",
}

# The kinds of change the change rules refuse unless acknowledged (orgboot/rules/changes.py), with
# the command-line option that accepts all of a kind for one run. What AWS itself would fail has
# no kind: nothing can accept it.
REFUSED: dict[str, tuple[str, str]] = {
    "ou-replaced": (
        "an OU that holds accounts or OUs, or that stacks deployed later still use, is deleted: moved to another parent"
        " (CloudFormation replaces it) or removed",
        "allow_ou_replacement",
    ),
    "account-stacks-changed": ("accounts move between stacks (organization.account_stacks changes), once migrated", "allow_account_moves"),
    "assignment-stacks-changed": (
        "IAM Identity Center assignments move between stacks (identity_center.assignment_stacks changes), once migrated",
        "allow_account_moves",
    ),
    "account-imported": (
        "an account is declared again (released before, or under a new key) and brought in with cdk import",
        "allow_imports",
    ),
}

KINDS = (*DANGEROUS, *REFUSED)

EXAMPLE = "guardrail-detached:region-deny@Sandbox"


def check_change_id(change_id: str) -> str:
    kind, separator, subject = change_id.partition(":")
    if kind in KINDS and not (separator and subject):
        raise ValueError(
            f"'{change_id}' is a kind of change, not a change: in org.yaml each acknowledgement names one change by the ID the"
            f" report prints (KIND:SUBJECT, like {kind}:...), with its reason. `--acknowledge {kind}` accepts all of a kind for one run"
        )
    if not separator or not subject:
        raise ValueError(f"'{change_id}' is not a change ID: write KIND:SUBJECT as `orgboot diff` prints it, like {EXAMPLE}")
    if kind not in KINDS:
        raise ValueError(f"'{kind}' is not a kind of change to acknowledge{did_you_mean(kind, KINDS)}; kinds: {', '.join(KINDS)}")
    return change_id


def change_id(kind: str, subject: str) -> str:
    assert kind in KINDS, kind
    return f"{kind}:{subject}"


ChangeId = Annotated[str, AfterValidator(check_change_id)]
