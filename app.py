#!/usr/bin/env python3
"""The CDK app, and the only place that reads context: load the spec the context names, build the
stacks, synth. cdk.json runs it: `python3 app.py` in this repository, `orgboot app` (this file,
installed as orgboot_cdk/app.py) in an organization's own repository. Either way it runs as a
script, so its folder comes first on sys.path: `stacks` and our `constructs/` are found beside it."""

import sys
from pathlib import Path

import aws_cdk as cdk

import stacks
from orgboot.rules import load_spec
from orgboot.spec import SpecError
from orgboot.spec.record import pack

from constructs.role_stack_set import TemplateTooLarge


def main() -> None:
    # The feature flags are the app's own (the cdk.json beside it), whichever cdk.json runs it:
    # an organization's cdk.json names only its spec. The CLI's context still takes precedence.
    app = cdk.App(context=stacks.cli_context(Path(__file__).with_name("cdk.json")))
    spec_path = app.node.try_get_context("spec")
    if not spec_path:
        print('no spec to synthesize: name it in cdk.json\'s context ("spec": "org.yaml") or with --context spec=PATH', file=sys.stderr)
        sys.exit(1)
    try:
        spec = load_spec(spec_path)
    except SpecError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
    # `orgboot synth --adopt DIR/cdk-import`: only what `cdk import` adopts of an organization that exists.
    adopt_folder = app.node.try_get_context(stacks.ADOPT_CONTEXT)
    try:
        adopt = stacks.Adoption.read(Path(adopt_folder)) if adopt_folder else None
        stacks.build(app, spec, pack(Path(spec_path), spec), adopt=adopt)
    except stacks.NotAdoptable as error:
        print(f"{spec_path}: cannot adopt: {error}", file=sys.stderr)
        sys.exit(1)
    except TemplateTooLarge as error:
        print(f"{spec_path}: member_roles: {error}", file=sys.stderr)
        sys.exit(1)
    app.synth()


if __name__ == "__main__":
    main()
