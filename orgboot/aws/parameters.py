"""Stack parameters orgboot's templates declare for whoever deploys them. CloudFormation refuses to
create or update a stack while a parameter without a Default has no value ("Parameters: [...] must
have values"), before it touches any resource (CloudFormation User Guide, "Parameters")."""

# Declared by every stack of an emulator-only example (org.yaml: emulator_only), without a Default;
# only the emulator gives it, so a real `cdk deploy` of the example stops before it creates anything.
EMULATOR_ONLY = "EmulatorOnly"
EMULATOR_ONLY_VALUE = "true"

# The spec a deploy was made from (constructs/deployed_spec.py): an SSM parameter in the management
# account, us-east-1, holding orgboot's version and the spec's digest; the spec itself is packed in
# the resource's Metadata under this key.
DEPLOYED_SPEC_PARAMETER = "/orgboot/deployed-spec"
DEPLOYED_SPEC_METADATA = "orgboot:spec"
