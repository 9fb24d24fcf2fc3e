"""management_baseline.organization_trail's hardening: where the logs live (log_archive) and how
long they stay (retention). The trail itself is in baseline.py (docs/security-baseline.md, "A
hardened organization trail")."""

from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator, model_validator

from orgboot.aws.regions import HOME_REGION
from orgboot.spec.fields import Model, Region
from orgboot.spec.references import AccountRef


class TrailRetention(Model):
    """S3 lifecycle rules for the trail's log files and for the access logs of their bucket. Nothing
    is deleted unless expire_after_days says so."""

    glacier_after_days: Annotated[int, Field(ge=0)] | None = Field(
        None, description="Move log files (and replaced versions) to S3 Glacier Flexible Retrieval after this many days"
    )
    expire_after_days: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Delete log files this many days after delivery, and replaced versions this many days after replacement"
    )

    @model_validator(mode="before")
    @classmethod
    def _some(cls, data: object) -> object:
        if isinstance(data, dict) and not data:
            raise ValueError("no retention given; give glacier_after_days or expire_after_days, or leave retention out")
        return data

    @field_validator("expire_after_days")
    @classmethod
    def _after_glacier(cls, expire: int | None, info: ValidationInfo) -> int | None:
        # S3 PutBucketLifecycleConfiguration refuses it (InvalidArgument: "'Days' in the Expiration
        # action for filter '(prefix=)' must be greater than 'Days' in the Transition action").
        glacier = info.data.get("glacier_after_days")
        if expire is not None and glacier is not None and expire <= glacier:
            raise ValueError(
                f"expire_after_days {expire} must be greater than glacier_after_days {glacier}: S3 refuses a lifecycle rule"
                " that expires log files before or when it moves them"
            )
        return expire


class LogArchive(Model):
    """The trail's logs live in this member account and region (data residency), as AWS Control
    Tower and Landing Zone Accelerator keep them: the bucket, the bucket of its access logs and the
    KMS key, deployed there by a StackSet."""

    account: AccountRef = Field(description="The account key of the log archive account (typically log-archive)")
    region: Region = Field(HOME_REGION, description="Where the logs are stored: the bucket's and the key's region")
