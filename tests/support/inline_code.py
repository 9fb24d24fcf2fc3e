"""Edits of the inline function code in a synthesized template, for tests that show what a
function does without one of its safeguards."""

from collections.abc import Callable
from typing import Any

Template = dict[str, Any]


def without_retries_on(codes: str) -> Callable[[Template], None]:
    """An edit giving the inline functions no retry on `codes`, a set of constructs/functions/retries.py
    (TRY_AGAIN_LATER, ACCESS_DENIED), as before that helper: the name assigned anew at the end of
    the code, where `retrying` reads it when it is called."""

    def edit(template: Template) -> None:
        for resource in template["Resources"].values():
            code = resource.get("Properties", {}).get("Code", {}).get("ZipFile", "")
            if "def retrying(" in code:
                resource["Properties"]["Code"]["ZipFile"] = code + f"\n\n{codes} = frozenset()\n"

    return edit
