"""Emulated time, one clock per Engine.

What AWS does in the background (a policy type being enabled, an IAM change propagating) takes
time, and code that waits for it sleeps. The emulator fast-forwards: a sleep of an inline
function (handlers/lambda_backed.py) advances this clock at once, and nothing else does. API calls
and CloudFormation's own steps take no emulated time, so a change started by one resource is
still in progress when the next resource runs, unless something in between waited: the
conservative reading of "asynchronous", and the same on every run."""


class EmulatedClock:
    def __init__(self) -> None:
        self.now = 0.0  # emulated seconds since the Engine was made

    def advance(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
