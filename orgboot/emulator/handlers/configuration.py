"""AWS::Config::ConfigurationRecorder, DeliveryChannel and ConfigurationAggregator against moto's
AWS Config, in the account and region the stack deploys into, refusing what AWS refuses and moto
lets through:

- a recorder started on create (StartedOnCreate, true unless told: the registry schema) without a
  delivery channel: StartConfigurationRecorder needs one (NoAvailableDeliveryChannelException; the
  failure aws/aws-cdk#9001 reports of a template whose channel waits for the recorder);
- a delivery channel whose bucket is missing or does not let Config write (config_delivery.py);
  moto checks neither;
- an organization aggregator in an account that is neither the management account nor a delegated
  administrator for config.amazonaws.com, or without Config's trusted access
  (OrganizationAccessDeniedException, AWS Config API Reference, PutConfigurationAggregator).
moto refuses a channel without a recorder (NoAvailableConfigurationRecorderException) and the
deletion of a channel while its recorder records (LastDeliveryChannelDeleteFailedException), as AWS.
"""

from typing import Any

from orgboot.aws.account_settings import SERVICE
from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID, management
from orgboot.emulator.config_delivery import delivery_problems
from orgboot.emulator.errors import EmulationError
from orgboot.emulator.handlers.authorization import organization_of
from orgboot.emulator.handlers.base import Context, Handler, Result
from orgboot.emulator.organizations_extras import accept_delegated_administrators
from orgboot.state.pages import all_items

accept_delegated_administrators(SERVICE)


def _camel(value: Any) -> Any:
    """CloudFormation's property names (AllSupported) as the Config API's (allSupported), and
    template booleans, which may be strings, as booleans."""
    if isinstance(value, dict):
        return {key[:1].lower() + key[1:]: _camel(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_camel(item) for item in value]
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _true(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


class ConfigurationRecorder(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        name = props.get("Name", "default")
        self._put(ctx, name, props)
        if _true(props.get("StartedOnCreate", True)):
            ctx.aws.client("config").start_configuration_recorder(ConfigurationRecorderName=name)
        return Result(name)

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        self._put(ctx, physical_id, new)  # Name and StartedOnCreate are create-only: recording stays as it is
        return Result(physical_id)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("config").delete_configuration_recorder(ConfigurationRecorderName=physical_id)

    @staticmethod
    def _put(ctx: Context, name: str, props: dict[str, Any]) -> None:
        recorder = {"name": name, "roleARN": props["RoleARN"]}
        for key in ("RecordingGroup", "RecordingMode"):
            if key in props:
                recorder[key[:1].lower() + key[1:]] = _camel(props[key])
        ctx.aws.client("config").put_configuration_recorder(ConfigurationRecorder=recorder)


class DeliveryChannel(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        name = props.get("Name", "default")
        self._put(ctx, name, props)
        return Result(name)

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        self._put(ctx, physical_id, new)
        return Result(physical_id)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("config").delete_delivery_channel(DeliveryChannelName=physical_id)

    @staticmethod
    def _put(ctx: Context, name: str, props: dict[str, Any]) -> None:
        channel = {"name": name, **{key[:1].lower() + key[1:]: _camel(value) for key, value in props.items() if key != "Name"}}
        channel["snsTopicARN"] = channel.pop("snsTopicARN", None) or None
        channel = {key: value for key, value in channel.items() if value is not None}
        if problems := delivery_problems(ctx.aws.account_id, ctx.aws.region, channel, organization_of(ctx), ctx.aws.endpoint_url):
            raise EmulationError("; ".join(problems))
        ctx.aws.client("config").put_delivery_channel(DeliveryChannel=channel)


class ConfigurationAggregator(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        name = props["ConfigurationAggregatorName"]
        return Result(name, {"ConfigurationAggregatorArn": self._put(ctx, name, props)})

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        return Result(physical_id, {"ConfigurationAggregatorArn": self._put(ctx, physical_id, new)})

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("config").delete_configuration_aggregator(ConfigurationAggregatorName=physical_id)

    @staticmethod
    def _put(ctx: Context, name: str, props: dict[str, Any]) -> str:
        parameters: dict[str, Any] = {"ConfigurationAggregatorName": name}
        if "OrganizationAggregationSource" in props:
            _organization_access(ctx)
            source = props["OrganizationAggregationSource"]
            parameters["OrganizationAggregationSource"] = {
                key: (_true(value) if key == "AllAwsRegions" else value) for key, value in source.items()
            }
        if "AccountAggregationSources" in props:
            parameters["AccountAggregationSources"] = props["AccountAggregationSources"]
        aggregator = ctx.aws.client("config").put_configuration_aggregator(**parameters)["ConfigurationAggregator"]
        arn: str = aggregator["ConfigurationAggregatorArn"]
        return arn


def _organization_access(ctx: Context) -> None:
    """What PutConfigurationAggregator refuses of an organization aggregator
    (OrganizationAccessDeniedException): Config's trusted access off, or an account that is
    neither the management account nor a delegated administrator for config.amazonaws.com ("Ensure
    that the management account registers delegated administrator for AWS Config service principal
    name before the delegated administrator creates an aggregator")."""
    organizations = management(endpoint_url=ctx.aws.endpoint_url).client("organizations")
    enabled = all_items(organizations, "list_aws_service_access_for_organization", "EnabledServicePrincipals")
    if SERVICE not in {service["ServicePrincipal"] for service in enabled}:
        raise EmulationError(f"OrganizationAccessDeniedException: trusted access for {SERVICE} is not enabled in Organizations")
    if ctx.aws.account_id == MANAGEMENT_ACCOUNT_ID:
        return
    administrators = all_items(organizations, "list_delegated_administrators", "DelegatedAdministrators", ServicePrincipal=SERVICE)
    if ctx.aws.account_id not in {administrator["Id"] for administrator in administrators}:
        raise EmulationError(
            f"OrganizationAccessDeniedException: account {ctx.aws.account_id} is not a delegated administrator for {SERVICE}"
        )


HANDLERS: dict[str, Handler] = {
    "AWS::Config::ConfigurationRecorder": ConfigurationRecorder(),
    "AWS::Config::DeliveryChannel": DeliveryChannel(),
    "AWS::Config::ConfigurationAggregator": ConfigurationAggregator(),
}
