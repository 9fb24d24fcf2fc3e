"""The names `orgboot import` reads in the management account so that validate can refuse what
orgboot would create by a name already taken (spec/unmanaged.py, created_names): read where
orgboot's stacks create them, and never counting what the spec's own stacks created."""

import dataclasses
import json
from pathlib import Path

from orgboot.aws.regions import HOME_REGION, PARTITION
from orgboot.emulator.aws import emulated_aws, management
from orgboot.rules import load_spec
from orgboot.spec.importing import import_organization
from orgboot.state.inventory import read_inventory


def test_trails_are_read_in_the_region_of_orgboot_stacks_whatever_the_credentials_default_to() -> None:
    """orgboot's stacks, and so its trail and StackSets, are in HOME_REGION (app.py): a trail there
    by the name orgboot would give its own collides, whichever region `orgboot import --region` names."""
    with emulated_aws():
        aws = management()
        aws.client("organizations").create_organization(FeatureSet="ALL")
        bucket = f"org-trail-{aws.account_id}"
        aws.client("s3").create_bucket(Bucket=bucket)
        source = {"StringEquals": {"aws:SourceArn": f"arn:{PARTITION}:cloudtrail:{HOME_REGION}:{aws.account_id}:trail/org-trail"}}
        statement = {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Resource": f"arn:{PARTITION}:s3:::{bucket}"}
        policy = {"Version": "2012-10-17", "Statement": [{**statement, "Action": "s3:GetBucketAcl", "Condition": source}]}
        aws.client("s3").put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
        aws.client("cloudtrail").create_trail(Name="org-trail", S3BucketName=bucket, IsMultiRegionTrail=True)
        elsewhere = read_inventory(management("eu-west-1").client)
    assert elsewhere.names["trails"] == ["org-trail"]


def test_the_stack_sets_of_a_failed_first_deploy_are_no_collision(tmp_path: Path) -> None:
    """Imported with the spec as the hint (`orgboot import --mappings-for`), the StackSets the
    spec's own stacks created are the spec's, not names taken; another's is. (The emulator keeps
    StackSets in its engine, which ListStackSets does not reach: the names are given as read.)"""
    spec_file = tmp_path / "org.yaml"
    spec_file.write_text(
        "emulator_only: true\n"
        "organization: {policy_types: [SERVICE_CONTROL_POLICY]}\n"
        "organizational_units: [Security, Workloads]\n"
        "accounts:\n"
        "  audit: {name: Audit, email: audit@example.com, ou: Security}\n"
        "guardrails:\n  region-deny: {allowed_regions: [us-east-1], targets: [Workloads]}\n"
        "security_baseline: {delegated_administrator: audit, guardduty: {}}\n"
    )
    hint = load_spec(spec_file)
    with emulated_aws():
        management().client("organizations").create_organization(FeatureSet="ALL")
        inventory = read_inventory(management().client)
    read = dataclasses.replace(inventory, names={"stack_sets": ["orgboot-access-analyzer", "orgboot-guardduty"]}, unread={})
    assert "    stack_sets: [orgboot-access-analyzer]\n" in import_organization(read, hint=hint).org_yaml
    (tmp_path / "fresh").mkdir()
    (tmp_path / "fresh" / "org.yaml").write_text(import_organization(read).org_yaml)
    taken = load_spec(tmp_path / "fresh" / "org.yaml").unmanaged.management_account_names
    assert taken.stack_sets == ("orgboot-access-analyzer", "orgboot-guardduty")
