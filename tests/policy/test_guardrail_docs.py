"""The guardrails' documentation keeps up with the library: README and docs/guardrails.md list each
guardrail with the line on why it exists."""

from orgboot.policy.guardrails import REGISTRY
from tests.conftest import REPO


def test_readme_and_docs_list_every_guardrail_with_its_reason():
    readme = (REPO / "README.md").read_text()
    docs = (REPO / "docs" / "guardrails.md").read_text()
    for guardrail in REGISTRY.values():
        assert f"| `{guardrail.name}`" in readme, guardrail.name
        assert f"| `{guardrail.name}` |" in docs, guardrail.name
        assert guardrail.why.split(" (")[0] in readme, guardrail.name
