"""The security services' resource types (IAM Access Analyzer, Security Hub), each through the
service's API as its provider calls it (the emulator answers what moto lacks:
orgboot/emulator/apis/), so the service refuses what AWS refuses."""

from typing import Any

from botocore.exceptions import ClientError

from orgboot.emulator.errors import EmulationError
from orgboot.emulator.handlers.base import Context, Handler, Result


def _tags(props: dict[str, Any]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in props.get("Tags", [])}


class Analyzer(Handler):
    """AWS::AccessAnalyzer::Analyzer. Without AnalyzerName CloudFormation names it; Type and
    AnalyzerName are create-only (the engine replaces it for them: schemas.py). Archive rules and
    unused-access configuration are not emulated: a template with them is refused rather than
    deployed without them."""

    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        if unemulated := sorted({"ArchiveRules", "AnalyzerConfiguration"} & props.keys()):
            raise EmulationError(f"AWS::AccessAnalyzer::Analyzer {', '.join(unemulated)}: not emulated")
        name = props.get("AnalyzerName") or ctx.generated_name(255)
        arn = ctx.aws.client("accessanalyzer").create_analyzer(analyzerName=name, type=props["Type"], tags=_tags(props))["arn"]
        return Result(arn, {"Arn": arn}, ref=arn)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        try:
            ctx.aws.client("accessanalyzer").delete_analyzer(analyzerName=physical_id.rsplit("/", 1)[-1])
        except ClientError as error:
            # A delete of what is gone already succeeds (CloudFormation CLI, "Resource type handler contract").
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise


class FindingAggregator(Handler):
    """AWS::SecurityHub::FindingAggregator: its region is the home Region; RegionLinkingMode and
    Regions update in place (none of its properties is create-only)."""

    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        answer = ctx.aws.client("securityhub").create_finding_aggregator(**self._linking(props))
        return self._result(answer)

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        answer = ctx.aws.client("securityhub").update_finding_aggregator(FindingAggregatorArn=physical_id, **self._linking(new))
        return self._result(answer)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("securityhub").delete_finding_aggregator(FindingAggregatorArn=physical_id)

    @staticmethod
    def _linking(props: dict[str, Any]) -> dict[str, Any]:
        return {"RegionLinkingMode": props["RegionLinkingMode"], **({"Regions": props["Regions"]} if "Regions" in props else {})}

    @staticmethod
    def _result(answer: dict[str, Any]) -> Result:
        arn = answer["FindingAggregatorArn"]
        return Result(arn, {"FindingAggregatorArn": arn, "FindingAggregationRegion": answer["FindingAggregationRegion"]}, ref=arn)


class OrganizationConfiguration(Handler):
    """AWS::SecurityHub::OrganizationConfiguration, in the delegated administrator: its delete
    returns the organization to local configuration (its provider's delete handler calls
    UpdateOrganizationConfiguration: the registry schema's handler permissions)."""

    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        ctx.aws.client("securityhub").update_organization_configuration(**self._configuration(props))
        identifier = f"{ctx.aws.account_id}/{ctx.aws.region}/securityhub-organization-configuration"
        return Result(identifier, {"OrganizationConfigurationIdentifier": identifier, "Status": "ENABLED"}, ref=identifier)

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        ctx.aws.client("securityhub").update_organization_configuration(**self._configuration(new))
        return Result(physical_id, {"OrganizationConfigurationIdentifier": physical_id, "Status": "ENABLED"}, ref=physical_id)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("securityhub").update_organization_configuration(
            AutoEnable=False, AutoEnableStandards="NONE", OrganizationConfiguration={"ConfigurationType": "LOCAL"}
        )

    @staticmethod
    def _configuration(props: dict[str, Any]) -> dict[str, Any]:
        configuration: dict[str, Any] = {"AutoEnable": str(props["AutoEnable"]).lower() == "true"}
        if "AutoEnableStandards" in props:
            configuration["AutoEnableStandards"] = props["AutoEnableStandards"]
        if "ConfigurationType" in props:
            configuration["OrganizationConfiguration"] = {"ConfigurationType": props["ConfigurationType"]}
        return configuration


class ConfigurationPolicy(Handler):
    """AWS::SecurityHub::ConfigurationPolicy: Ref is its ARN (the primary identifier), Id its UUID."""

    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        answer = ctx.aws.client("securityhub").create_configuration_policy(**self._policy(props), Tags=props.get("Tags", {}) or {})
        return self._result(answer)

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        answer = ctx.aws.client("securityhub").update_configuration_policy(Identifier=physical_id, **self._policy(new))
        return self._result(answer)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("securityhub").delete_configuration_policy(Identifier=physical_id)

    @staticmethod
    def _policy(props: dict[str, Any]) -> dict[str, Any]:
        return {
            "Name": props["Name"],
            "Description": props.get("Description", ""),
            "ConfigurationPolicy": _typed(props["ConfigurationPolicy"]),
        }

    @staticmethod
    def _result(answer: dict[str, Any]) -> Result:
        arn = answer["Arn"]
        return Result(arn, {"Arn": arn, "Id": answer["Id"], "ServiceEnabled": True}, ref=arn)


class PolicyAssociation(Handler):
    """AWS::SecurityHub::PolicyAssociation: TargetType and TargetId are create-only; another
    policy for the same target is a new association in place."""

    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        client = ctx.aws.client("securityhub")
        client.start_configuration_policy_association(
            ConfigurationPolicyIdentifier=props["ConfigurationPolicyId"], Target=self._target(props)
        )
        identifier = f"{props['TargetType']}/{props['TargetId']}"
        return Result(identifier, {"AssociationIdentifier": identifier, "AssociationStatus": "SUCCESS"}, ref=identifier)

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        return self.create(ctx, new)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("securityhub").start_configuration_policy_disassociation(
            ConfigurationPolicyIdentifier=props["ConfigurationPolicyId"], Target=self._target(props)
        )

    @staticmethod
    def _target(props: dict[str, Any]) -> dict[str, str]:
        key = {"ACCOUNT": "AccountId", "ORGANIZATIONAL_UNIT": "OrganizationalUnitId", "ROOT": "RootId"}[props["TargetType"]]
        return {key: props["TargetId"]}


def _typed(value: Any) -> Any:
    """Template values as the API takes them: CloudFormation passes "true" where the schema says boolean."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return {"true": True, "false": False}.get(value, value) if isinstance(value, str) else value


HANDLERS: dict[str, Handler] = {
    "AWS::AccessAnalyzer::Analyzer": Analyzer(),
    "AWS::SecurityHub::FindingAggregator": FindingAggregator(),
    "AWS::SecurityHub::OrganizationConfiguration": OrganizationConfiguration(),
    "AWS::SecurityHub::ConfigurationPolicy": ConfigurationPolicy(),
    "AWS::SecurityHub::PolicyAssociation": PolicyAssociation(),
}
