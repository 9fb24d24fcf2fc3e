"""AWS calls that may be refused for a while and then succeed: retried with exponential backoff,
within the function's remaining time. Pasted into each function that imports it
(constructs/inline_function.py): Lambda runs inline code as one file, index.py.

What is worth retrying, and why:
- TooManyRequestsException: "You have sent too many requests in too short a period of time ... Try
  again later" (Organizations API Reference, errors of every operation). botocore retries it a few
  times itself; a stack's custom resources run at once and may need more.
- ConcurrentModificationException ("The target of the operation is currently being modified by a
  different request. Try again later."), PolicyChangesInProgressException ("Try the operation
  again later") and ServiceException ("Try again later"): EnablePolicyType and DisablePolicyType
  list all three (botocore's organizations service model).
- AccessDenied, while the new policy of the function's own role propagates: "Any change that you
  make in IAM ... takes time to become visible from all possible endpoints" (IAM User Guide,
  Troubleshooting IAM, "Changes that I make are not always immediately visible"); CloudFormation
  invokes the function as soon as IAM accepted the policy (aws/aws-cdk#37675). A denial that
  outlasts PROPAGATION_SECONDS is a missing permission, and fails."""

import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from botocore.exceptions import ClientError

T = TypeVar("T")

TRY_AGAIN_LATER = frozenset(
    {"TooManyRequestsException", "ConcurrentModificationException", "PolicyChangesInProgressException", "ServiceException"}
)
ACCESS_DENIED = frozenset({"AccessDenied", "AccessDeniedException"})
PROPAGATION_SECONDS = 60
FIRST_DELAY_SECONDS, MAX_DELAY_SECONDS = 1.0, 20.0
# Stop retrying while there is still time to answer: a function that times out without answering
# leaves CloudFormation waiting for the custom resource's ServiceTimeout.
MARGIN_MILLIS = 20_000


def retrying(call: Callable[[], T], context: Any) -> T:
    """`call()`, again after each refusal worth retrying, until it succeeds; the last refusal
    raised when retrying is pointless or time runs out."""
    delay, denied_for = FIRST_DELAY_SECONDS, 0.0
    while True:
        try:
            return call()
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            # Jitter, so that calls refused together do not come back together ("equal jitter",
            # AWS Architecture Blog, "Exponential Backoff And Jitter").
            pause = random.uniform(delay / 2, delay)
            if code in ACCESS_DENIED:
                denied_for += pause
                if denied_for > PROPAGATION_SECONDS:
                    raise
            elif code not in TRY_AGAIN_LATER:
                raise
            if not time_left(context, pause):
                raise
            time.sleep(pause)
            delay = min(delay * 2, MAX_DELAY_SECONDS)


def time_left(context: Any, seconds: float) -> bool:
    """Whether the function may wait `seconds` and still answer CloudFormation in time."""
    return bool(context.get_remaining_time_in_millis() >= MARGIN_MILLIS + seconds * 1000)
