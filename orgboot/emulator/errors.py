class EmulationError(Exception):
    """A template could not be applied to the emulated AWS. The message says what and where."""
