#!/usr/bin/env python3
"""The CDK app, and the only place that reads context: load org.yaml, build the stacks, synth."""

import sys

import aws_cdk as cdk

import stacks
from orgboot.rules import load_spec
from orgboot.spec import SpecError

from constructs.role_stack_set import TemplateTooLarge


def main() -> None:
    app = cdk.App()
    spec_path = app.node.try_get_context("spec") or "org.yaml"
    try:
        spec = load_spec(spec_path)
    except SpecError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
    try:
        stacks.build(app, spec)
    except TemplateTooLarge as error:
        print(f"{spec_path}: member_roles: {error}", file=sys.stderr)
        sys.exit(1)
    app.synth()


if __name__ == "__main__":
    main()
