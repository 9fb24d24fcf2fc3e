"""IAM Access Analyzer, which moto 5.2 lacks: analyzers per account and region, and what AWS checks
of an analyzer whose zone of trust is the organization.

- Only the management account or the delegated administrator registered for
  access-analyzer.amazonaws.com creates one ("Add a delegated administrator for IAM Access
  Analyzer", IAM User Guide: enable trusted access, then RegisterDelegatedAdministrator); AWS
  answers others "Account <id> is not a delegated administrator" (AccessDenied, 403: as reported in
  landing-zone-accelerator-on-aws#922), and an organization without the trusted access "Service not
  enabled for AWS Organizations" (ValidationException: terraform-aws-secure-baseline#258).
- Its status follows the organization: when the delegated administrator changes or trusted access
  is disabled, the analyzers it created "move to a disabled state and no longer generate new or
  update existing findings" ("Settings for IAM Access Analyzer", IAM User Guide), with the
  StatusReason codes of the API (DELEGATED_ADMINISTRATOR_DEREGISTERED, AWS_SERVICE_ACCESS_DISABLED).
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from orgboot.aws.regions import PARTITION
from orgboot.aws.security_services import ACCESS_ANALYZER
from orgboot.emulator.apis.api import Api, Call
from orgboot.emulator.apis.rest_json import ApiError

SERVICE_ACCESS_DISABLED, ADMINISTRATOR_DEREGISTERED = "AWS_SERVICE_ACCESS_DISABLED", "DELEGATED_ADMINISTRATOR_DEREGISTERED"
ORGANIZATION_TYPES = ("ORGANIZATION", "ORGANIZATION_UNUSED_ACCESS", "ORGANIZATION_INTERNAL_ACCESS")


@dataclass
class Analyzer:
    arn: str
    name: str
    type: str
    created_at: datetime
    tags: dict[str, str] = field(default_factory=dict)
    configuration: dict[str, Any] | None = None


class AccessAnalyzer(Api):
    service_name = "accessanalyzer"

    def __init__(self) -> None:
        super().__init__()
        self.analyzers: dict[tuple[str, str], dict[str, Analyzer]] = {}  # (account, region) -> by name

    def create_analyzer(self, call: Call) -> dict[str, Any]:
        params = call.params
        name, kind = params["analyzerName"], params["type"]
        analyzers = self.analyzers.setdefault((call.account_id, call.region), {})
        if name in analyzers:
            raise ApiError("ConflictException", f"An analyzer named {name} already exists in this account and Region")
        if kind in ORGANIZATION_TYPES and (reason := self._disabled(call)):
            if reason == SERVICE_ACCESS_DISABLED:
                raise ApiError("ValidationException", "Service not enabled for AWS Organizations")
            raise ApiError("AccessDeniedException", f"Account {call.account_id} is not a delegated administrator")
        arn = f"arn:{PARTITION}:access-analyzer:{call.region}:{call.account_id}:analyzer/{name}"
        analyzers[name] = Analyzer(arn, name, kind, datetime.now(UTC), dict(params.get("tags", {})), params.get("configuration"))
        return {"arn": arn}

    def get_analyzer(self, call: Call) -> dict[str, Any]:
        return {"analyzer": self._summary(call, self._analyzer(call, call.params["analyzerName"]))}

    def list_analyzers(self, call: Call) -> dict[str, Any]:
        analyzers = self.analyzers.get((call.account_id, call.region), {}).values()
        kind = call.params.get("type")
        return {"analyzers": [self._summary(call, analyzer) for analyzer in analyzers if kind in (None, analyzer.type)]}

    def delete_analyzer(self, call: Call) -> dict[str, Any]:
        self._analyzer(call, call.params["analyzerName"])
        del self.analyzers[(call.account_id, call.region)][call.params["analyzerName"]]
        return {}

    def _analyzer(self, call: Call, name: str) -> Analyzer:
        analyzer = self.analyzers.get((call.account_id, call.region), {}).get(name)
        if analyzer is None:
            raise ApiError("ResourceNotFoundException", f"Analyzer {name} not found")
        return analyzer

    def _summary(self, call: Call, analyzer: Analyzer) -> dict[str, Any]:
        summary = {
            "arn": analyzer.arn,
            "name": analyzer.name,
            "type": analyzer.type,
            "createdAt": analyzer.created_at,
            "tags": analyzer.tags,
            "status": "ACTIVE",
            "configuration": analyzer.configuration,
        }
        if analyzer.type in ORGANIZATION_TYPES and (reason := self._disabled(call)):
            summary |= {"status": "DISABLED", "statusReason": {"code": reason}}
        return summary

    @staticmethod
    def _disabled(call: Call) -> str | None:
        """Why an organization analyzer of the caller's is disabled (or could not be created); None: it is not."""
        organization = call.organization
        if not organization.trusted(ACCESS_ANALYZER):
            return SERVICE_ACCESS_DISABLED
        if call.account_id not in (organization.management_account_id, *organization.delegated_administrators(ACCESS_ANALYZER)):
            return ADMINISTRATOR_DEREGISTERED
        return None
