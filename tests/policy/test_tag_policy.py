"""Tag policies are checked against the syntax AWS documents, each finding at its file, line and key.

Organizations User Guide, "Tag policy syntax and examples"
(https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_example-tag-policies.html)
and "Inheritance operators" (https://docs.aws.amazon.com/organizations/latest/userguide/policy-operators.html)."""

import json

import pytest

from orgboot.policy.lint import lint
from orgboot.rules import load_spec
from tests.conftest import EXAMPLE, REPO
from tests.spec.test_loader import problems, write

SPEC = """\
emulator_only: true
organization:
  policy_types: [TAG_POLICY]
organizational_units: [Workloads]
accounts:
  shop-prod: {name: Shop Prod, email: shop@example.com, ou: Workloads}
policies:
  tags: {type: TAG_POLICY, document: policies/tags.json, targets: [Root]}
"""


def _found(tmp_path, document: str) -> list[str]:
    found = problems(tmp_path, SPEC, {"policies/tags.json": document})
    return [line.replace(f"{tmp_path}/", "") for line in found]


def test_tag_values_for_tag_value_is_named_at_its_line(tmp_path):
    document = """{
  "tags": {
    "costcenter": {
      "tag_key": {"@@assign": "CostCenter"},
      "tag_values": {"@@assign": ["100", "200"]}
    }
  }
}"""
    assert _found(tmp_path, document) == [
        "policies/tags.json:5: tags.costcenter.tag_values: unknown key 'tag_values' (did you mean 'tag_value'?);"
        " a tag policy entry has tag_key, tag_value, enforced_for, report_required_tag_for [policies.tags.document]"
    ]


def test_a_single_at_sign_operator_is_named_with_its_fix(tmp_path):
    document = """{
  "tags": {
    "costcenter": {
      "tag_key": {"@assign": "CostCenter"}
    }
  }
}"""
    assert _found(tmp_path, document) == [
        "policies/tags.json:4: tags.costcenter.tag_key.@assign: unknown operator '@assign' (did you mean '@@assign'?);"
        " operators are @@assign, @@append, @@remove, @@operators_allowed_for_child_policies [policies.tags.document]"
    ]


def test_enforced_for_values_are_service_and_resource_type(tmp_path):
    document = """{
  "tags": {
    "costcenter": {
      "tag_key": {"@@assign": "CostCenter"},
      "enforced_for": {
        "@@assign": [
          "secretmanager:ALL_SUPPORTED",
          "ec2",
          "*:instance",
          "ec2:all_supported",
          "ec2:instance"
        ]
      }
    }
  }
}"""
    at = "policies/tags.json:{}: tags.costcenter.enforced_for.@@assign.{}: {} [policies.tags.document]"
    assert _found(tmp_path, document) == [
        at.format(7, 0, "unknown service prefix 'secretmanager' (did you mean 'secretsmanager'?) in 'secretmanager:ALL_SUPPORTED'"),
        at.format(
            8, 1, '\'ec2\' is not a resource type: write service:type like "ec2:instance", or "ec2:ALL_SUPPORTED" for all of a service\'s'
        ),
        at.format(9, 2, "'*:instance': the service cannot be a wildcard; name one service, like \"ec2:instance\""),
        at.format(10, 3, "'ec2:all_supported' is not a resource type (did you mean 'ec2:ALL_SUPPORTED'?)"),
    ]


def test_settings_need_their_operator_and_its_kind_of_value(tmp_path):
    document = """{
  "tags": {
    "costcenter": {
      "tag_key": "CostCenter",
      "tag_value": {"@@assign": "100"}
    },
    "team": {
      "tag_key": {"@@append": ["Team"]}
    }
  }
}"""
    assert _found(tmp_path, document) == [
        'policies/tags.json:4: tags.costcenter.tag_key: tag_key takes an inheritance operator, like {"@@assign": "CostCenter"}'
        " [policies.tags.document]",
        'policies/tags.json:5: tags.costcenter.tag_value.@@assign: tag_value takes a list, like ["100"] [policies.tags.document]',
        "policies/tags.json:8: tags.team.tag_key.@@append: @@append adds to a list, and tag_key holds one value; use @@assign"
        " [policies.tags.document]",
    ]


def test_the_policy_key_and_tag_key_name_one_tag(tmp_path):
    document = """{
  "tags": {
    "costcenter": {
      "tag_key": {"@@assign": "CostCentre"},
      "tag_value": {"@@assign": ["*@*.example.com"]}
    }
  }
}"""
    assert _found(tmp_path, document) == [
        "policies/tags.json:4: tags.costcenter.tag_key.@@assign: tag_key 'CostCentre' must be the policy key 'costcenter'"
        " in the capitalization resources must use [policies.tags.document]",
        "policies/tags.json:5: tags.costcenter.tag_value.@@assign.0: '*@*.example.com' has 2 wildcards; a tag value takes one"
        " [policies.tags.document]",
    ]


def test_child_control_operators_take_operators(tmp_path):
    document = """{
  "tags": {
    "costcenter": {
      "tag_key": {"@@assign": "CostCenter", "@@operators_allowed_for_child_policies": ["@@none", "@@append"]},
      "tag_value": {"@@assign": ["100"], "@@operators_allowed_for_child_policies": ["@@apend"]}
    }
  }
}"""
    found = _found(tmp_path, document)
    assert found == [
        'policies/tags.json:4: tags.costcenter.tag_key.@@operators_allowed_for_child_policies: ["@@none"] stands alone:'
        " it allows no operator [policies.tags.document]",
        "policies/tags.json:5: tags.costcenter.tag_value.@@operators_allowed_for_child_policies.0: unknown operator '@@apend'"
        " (did you mean '@@append'?); child policies may be allowed @@all, @@assign, @@append, @@remove or @@none"
        " [policies.tags.document]",
    ]


VALID = {
    "tags": {
        "@@operators_allowed_for_child_policies": ["@@none"],
        "costcenter": {
            "tag_key": {"@@assign": "CostCenter", "@@operators_allowed_for_child_policies": ["@@none"]},
            "tag_value": {"@@assign": ["100", "200", "300*"], "@@operators_allowed_for_child_policies": ["@@append", "@@remove"]},
            "enforced_for": {"@@assign": ["secretsmanager:ALL_SUPPORTED", "ec2:instance", "s3:bucket", "dynamodb:*"]},
            "report_required_tag_for": {"@@assign": ["ec2:instance", "rds:db"]},
        },
        "owner": {"tag_key": {"@@assign": "owner"}, "tag_value": {"@@append": ["*@example.com"]}},
        "project": {"tag_key": {"@@assign": "Project"}, "enforced_for": {"@@remove": ["ec2:volume"]}},
    }
}


def test_documented_syntax_passes(tmp_path):
    spec = write(tmp_path, SPEC, {"policies/tags.json": json.dumps(VALID, indent=2)})
    load_spec(spec)


@pytest.mark.parametrize(
    "path",
    [REPO / "policies" / "cost-center-tag.json", REPO / "examples" / "whitepaper" / "policies" / "standard-tags.json"],
    ids=lambda path: path.name,
)
def test_the_examples_tag_policies_pass(path):
    assert lint(json.loads(path.read_text()), "tag") == []


def test_the_example_org_still_validates():
    load_spec(EXAMPLE)
