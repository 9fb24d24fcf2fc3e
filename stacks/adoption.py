"""What the adopt assembly (`orgboot synth --adopt DIR/cdk-import`) is built from: the resource
mappings `orgboot import` wrote and the root's ID beside them, as orgboot/spec/adoption.py reads
and checks them. One reader for the CLI (which checks them before it runs the CDK), this app and the
emulator: the stacks only take what it read."""

from orgboot.spec.adoption import ADOPT_CONTEXT, IDS_FILE, Adoption, NotAdoptable

__all__ = ["ADOPT_CONTEXT", "IDS_FILE", "Adoption", "NotAdoptable"]
