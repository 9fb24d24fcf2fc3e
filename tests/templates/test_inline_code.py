"""The code of orgboot's inline functions: one file made of the function and the helpers it
imports (constructs/inline_function.py), and the helper that retries what AWS may yet accept
(constructs/functions/retries.py)."""

import time
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from botocore.exceptions import ClientError

from constructs.functions import retries
from constructs.inline_function import inline_code

FUNCTIONS = Path(__file__).resolve().parents[2] / "constructs" / "functions"


@pytest.mark.parametrize("function", ["settle_policy_type.py", "look_up_ous.py", "set_alternate_contacts.py"])
def test_a_function_is_one_file_with_its_helpers_pasted_in(function):
    code = inline_code(FUNCTIONS / function)
    compile(code, "index.py", "exec")  # Lambda runs it as index.py, with nothing of constructs/ beside it
    assert "constructs.functions" not in code
    assert "def retrying(" in code


def refused(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "no"}}, "ListRoots")


class Calls:
    """A call refused with `codes`, one per attempt, then answering "done"; and the time slept."""

    def __init__(self, *codes: str) -> None:
        self.codes, self.attempts, self.slept = list(codes), 0, 0.0

    def __call__(self) -> str:
        self.attempts += 1
        if self.codes:
            raise refused(self.codes.pop(0))
        return "done"

    def retry(self, remaining_seconds: float = 300) -> str:
        def remaining() -> int:
            return int((remaining_seconds - self.slept) * 1000)

        def sleep(seconds: float) -> None:
            self.slept += seconds

        with mock.patch.object(time, "sleep", sleep):
            return retries.retrying(self, SimpleNamespace(get_remaining_time_in_millis=remaining))


@pytest.mark.parametrize(
    "code", ["TooManyRequestsException", "ConcurrentModificationException", "PolicyChangesInProgressException", "AccessDeniedException"]
)
def test_what_aws_may_yet_accept_is_retried_with_growing_pauses(code):
    calls = Calls(code, code, code)
    assert calls.retry() == "done"
    assert calls.attempts == 4
    assert 0.5 + 1 + 2 <= calls.slept <= 1 + 2 + 4  # each pause up to twice the one before, with jitter


def test_what_will_not_change_is_not_retried():
    calls = Calls("PolicyTypeNotAvailableForOrganizationException")
    with pytest.raises(ClientError, match="PolicyTypeNotAvailableForOrganizationException"):
        calls.retry()
    assert calls.attempts == 1


def test_a_denial_that_outlasts_iam_propagation_is_a_missing_permission():
    calls = Calls(*["AccessDeniedException"] * 100)
    with pytest.raises(ClientError, match="AccessDeniedException"):
        calls.retry()
    assert retries.PROPAGATION_SECONDS - retries.MAX_DELAY_SECONDS <= calls.slept <= retries.PROPAGATION_SECONDS


def test_retries_stop_while_there_is_time_to_answer_cloudformation():
    calls = Calls(*["TooManyRequestsException"] * 100)
    with pytest.raises(ClientError, match="TooManyRequestsException"):
        calls.retry(remaining_seconds=60)
    assert 60 - retries.MARGIN_MILLIS / 1000 - retries.MAX_DELAY_SECONDS <= calls.slept <= 60 - retries.MARGIN_MILLIS / 1000
