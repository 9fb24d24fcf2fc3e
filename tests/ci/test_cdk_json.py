"""cdk.json's context is the CDK app's, in this repository and in every organization's: app.py reads
it from beside itself (installed as orgboot_cdk/cdk.json), since an organization's own cdk.json names
only its spec. Its partitions are the one orgboot deploys to."""

import json
import tomllib

import aws_cdk as cdk
from aws_cdk import region_info

from orgboot.aws.regions import PARTITION
from tests.conftest import CDK_CONTEXT, REPO

TARGET_PARTITIONS = "@aws-cdk/core:target-partitions"


def test_the_app_targets_only_the_partition_orgboot_supports():
    """`cdk init` lists ["aws", "aws-cn"]; orgboot deploys to the commercial partition only
    (orgboot/aws/regions.py), and its packaged cdk.json is this file (pyproject.toml, orgboot_cdk)."""
    assert json.loads((REPO / "cdk.json").read_text())["context"][TARGET_PARTITIONS] == [PARTITION]
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert (setuptools["package-dir"]["orgboot_cdk"], setuptools["package-data"]["orgboot_cdk"]) == (".", ["cdk.json"])


def test_a_regional_fact_is_looked_up_among_the_supported_partitions_only():
    """What the context does: a stack with no region looks a regional fact up in a map of the target
    partitions' regions (aws_cdk.Stack.regional_fact). With the commercial partition alone, every
    region gives the same partition, so the template holds the value and no map over aws-cn's regions."""
    app = cdk.App(context=CDK_CONTEXT, analytics_reporting=False)
    stack = cdk.Stack(app, "Anywhere")  # no env: the region is known only at deploy time
    cdk.CfnWaitConditionHandle(stack, "Placeholder")  # a template needs a resource
    cdk.CfnOutput(stack, "Partition", value=stack.regional_fact(region_info.FactName.PARTITION))
    template = app.synth().get_stack_by_name("Anywhere").template
    assert "Mappings" not in template, sorted(template.get("Mappings", {}))
    assert template["Outputs"]["Partition"]["Value"] == PARTITION
