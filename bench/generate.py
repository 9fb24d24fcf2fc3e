"""Generates organizations in the example's shape at any size, for benchmarks and scale tests:
N accounts in N/20 OUs (under the example's top-level OUs), the example's policies, two tags per
account. `python bench/generate.py 5000 /tmp/org-5000 [ACCOUNT_STACKS]` writes org.yaml and policies/ there.
`generate_base` writes the spec a realistic pull request started from, for `orgboot diff` and `review`."""

import shutil
import sys
from pathlib import Path

import yaml

from orgboot.spec import layout

REPO = Path(__file__).resolve().parent.parent


def generate(accounts: int, directory: Path, account_stacks: int | None = None) -> Path:
    """Above what one stack holds, the accounts are spread over stacks of about 250 accounts
    (`account_stacks`, unless given)."""
    example = yaml.safe_load((REPO / "org.yaml").read_text())
    if account_stacks is None and accounts > 300:
        account_stacks = -(-accounts // 250)
    if account_stacks is not None:
        example["organization"]["account_stacks"] = account_stacks
    tops = ["Workloads/Prod", "Workloads/Dev", "Sandbox", "Security", "Infrastructure"]
    ous = [f"{tops[i % len(tops)]}/Team{i:04d}" for i in range(max(1, accounts // 20))]
    example["organizational_units"] = sorted(set(example["organizational_units"]) | set(ous))
    example["accounts"] = {
        f"account-{i:05d}": {
            "name": f"Account {i:05d}",
            "email": f"aws+account-{i:05d}@example.com",
            "ou": ous[i % len(ous)],
            "tags": {"cost-center": str(1000 + i % 50), "environment": "prod" if i % 2 else "dev"},
        }
        for i in range(accounts)
    }
    # The example's own accounts are gone, and with them its accounts' alternate contacts.
    example.get("security_baseline", {}).get("alternate_contacts", {}).pop("accounts", None)
    security = example.get("security_baseline", {})
    if accounts:
        # The first generated account administers the security services in place of the example's audit.
        if security.get("delegated_administrator"):
            security["delegated_administrator"] = "account-00000"
        # AWS Config delivers to the first generated account's bucket in place of the example's log-archive.
        if config := security.get("config"):
            config["bucket_account"] = "account-00000"
    else:
        # With no member account, nothing can administer the security services or hold Config's bucket.
        for key in ("delegated_administrator", "guardduty", "security_hub", "access_analyzer", "config"):
            security.pop(key, None)
    # The trail's logs go to the first generated account in place of the example's log-archive (with
    # no account, they stay in the management account).
    if (trail := example["management_baseline"].get("organization_trail", {})).get("log_archive"):
        if accounts:
            trail["log_archive"]["account"] = "account-00000"
        else:
            del trail["log_archive"]
    # The example's Identity Center assignments reach the generated accounts through their OUs: past
    # what one stack holds, they are spread over assignment stacks as validate asks.
    if center := example.get("identity_center"):
        assignments = _assignments(center, example["accounts"])
        if assignments > layout.ASSIGNMENTS_PER_STACK_MAX:
            center["assignment_stacks"] = layout.suggested_assignment_stacks(assignments)
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "policies", directory / "policies", dirs_exist_ok=True)
    spec = directory / "org.yaml"
    spec.write_text(yaml.safe_dump(example, sort_keys=False))
    return spec


def _assignments(center: dict, accounts: dict) -> int:
    """How many AWS::SSO::Assignment the assignments make over `accounts`: one per account, group
    and permission set (the management account's few aside), as orgboot.spec.identity_center
    expands them, without loading the spec."""

    def reaches(target: str, key: str, ou: str) -> bool:
        return target in ("Root", key) or ou == target or ou.startswith(target + "/")

    def pairs(key: str, ou: str) -> set[tuple[str, str]]:
        return {(a["group"], a["permission_set"]) for a in center.get("assignments", ()) if any(reaches(t, key, ou) for t in a["targets"])}

    return sum(len(pairs(key, account["ou"])) for key, account in accounts.items())


def generate_base(accounts: int, directory: Path) -> Path:
    """The BASE of a pull request whose HEAD is `generate(accounts, ...)`: from BASE to HEAD, three
    accounts move down into their team's OU, the last account joins, and region-deny no longer
    applies to Sandbox (a dangerous change, guardrail-detached:region-deny@Sandbox, which makes
    `orgboot diff` exit 1)."""
    spec = generate(accounts, directory)
    base = yaml.safe_load(spec.read_text())
    keys = list(base["accounts"])
    for key in keys[:3]:
        account = base["accounts"][key]
        account["ou"] = account["ou"].rpartition("/")[0]
    del base["accounts"][keys[-1]]
    base["guardrails"]["region-deny"]["targets"].append("Sandbox")
    spec.write_text(yaml.safe_dump(base, sort_keys=False))
    return spec


if __name__ == "__main__":
    print(generate(int(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else None))
