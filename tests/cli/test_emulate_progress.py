"""The live progress line of `orgboot emulate`: counts from the engine's events, shown on a
terminal only."""

import io
from contextlib import nullcontext

from rich.console import Console
from rich.live import Live

from orgboot.cli.emulate import _live, _Progress
from orgboot.emulator import Event


def test_progress_counts_stacks_accounts_and_stack_set_instances():
    progress = _Progress("111111111111")
    for event in [
        Event("OrganizationStack", "Organization", "AWS::Organizations::Organization", "CREATE", "111111111111"),
        Event("OrganizationAccounts01", "AccountA", "AWS::Organizations::Account", "CREATE", "111111111111"),
        Event("OrganizationAccounts01", "AccountB", "AWS::Organizations::Account", "UPDATE", "111111111111"),
        Event("OrganizationAccounts02", "AccountC", "AWS::Organizations::Account", "CREATE", "111111111111"),
        Event("StackSet-orgboot-role-ReadOnly", "Role", "AWS::IAM::Role", "CREATE", "222222222222"),
        Event("StackSet-orgboot-role-ReadOnly", "Policy", "AWS::IAM::Policy", "CREATE", "222222222222"),
        Event("StackSet-orgboot-role-Admin", "Role", "AWS::IAM::Role", "CREATE", "222222222222"),
    ]:
        progress(event)
    text = progress.__rich__().plain
    assert text == "emulating OrganizationAccounts02  stacks 3 · accounts created 2 · StackSet instances 2"


def test_live_only_on_a_terminal_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    assert isinstance(_live(_Progress("1"), Console(file=io.StringIO())), nullcontext)
    assert isinstance(_live(_Progress("1"), Console(file=io.StringIO(), force_terminal=True)), Live)
    monkeypatch.setenv("CI", "true")
    assert isinstance(_live(_Progress("1"), Console(file=io.StringIO(), force_terminal=True)), nullcontext)
