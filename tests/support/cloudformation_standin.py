"""What the stand-ins for AWS in the `orgboot deploy` tests share: CloudFormation's answers about
the stacks it holds (`templates`, by stack name), in its words when a stack or resource is not
there. moto's CloudFormation cannot stand in: it does not keep a resource's Metadata, where the
record of the deployed spec is."""

import json

from botocore.exceptions import ClientError


def validation_error(message: str) -> ClientError:
    return ClientError({"Error": {"Code": "ValidationError", "Message": message}}, "Call")


class CloudFormationStandIn:
    templates: dict[str, dict]

    def _template(self, stack: str) -> dict:
        if stack not in self.templates:
            raise validation_error(f"Stack with id {stack} does not exist")
        return self.templates[stack]

    def describe_stack_resource(self, StackName: str, LogicalResourceId: str) -> dict:
        resources = self._template(StackName)["Resources"]
        if LogicalResourceId not in resources:
            raise validation_error(f"Resource {LogicalResourceId} does not exist for stack {StackName}")
        return {"StackResourceDetail": {"Metadata": json.dumps(resources[LogicalResourceId].get("Metadata", {}))}}

    def get_template(self, StackName: str, TemplateStage: str) -> dict:
        return {"TemplateBody": self._template(StackName)}
