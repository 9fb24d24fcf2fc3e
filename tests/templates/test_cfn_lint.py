"""cfn-lint, the CloudFormation linter, accepts every template orgboot synthesizes: the example,
every option set, and accounts spread over stacks (bench/scale.py runs it on 5,000 accounts)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

# W3005: a DependsOn that a reference already implies. Deliberate: CDK adds some, and every write to
# the organization waits explicitly for the one before, whatever its references (ordering.py).
ACCEPTED = {"W3005"}


def findings(assembly: Path) -> list[str]:
    templates = sorted(str(path) for path in assembly.glob("*.template.json"))
    cfn_lint = Path(sys.executable).with_name("cfn-lint")  # the command pip installs with the pinned cfn-lint
    result = subprocess.run([str(cfn_lint), "--format", "json", *templates], capture_output=True, text=True)
    assert result.stdout, result.stderr
    return [
        f"{Path(m['Filename']).name}:{m['Location']['Start']['LineNumber']}: {m['Rule']['Id']} {m['Message']}"
        for m in json.loads(result.stdout)
        if m["Rule"]["Id"] not in ACCEPTED
    ]


@pytest.mark.parametrize("name", ["example_assembly", "all_options_assembly"])
def test_cfn_lint_accepts(request, name):
    assert findings(request.getfixturevalue(name)) == []


def test_cfn_lint_accepts_accounts_spread_over_stacks(spread):
    assert findings(spread[1]) == []
