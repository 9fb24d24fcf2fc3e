"""Policy documents are linted at validate, each finding at its file and line."""

import json

from orgboot.rules import load_spec
from orgboot.rules.documents import organization_policies_follow_advice
from orgboot.spec.loading import read_spec
from tests.spec.test_loader import BASE, problems, write

SCP = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Deny",
      "Principal": "*",
      "Action": ["s3:GetObjectt", "s4:*"],
      "Resource": "*"
    }
  ]
}
"""


def test_an_scp_with_a_principal_and_unknown_actions_is_refused_at_its_lines(tmp_path):
    text = BASE + "policies:\n  bad: {type: SERVICE_CONTROL_POLICY, document: policies/bad.json, targets: [Root]}\n"
    found = problems(tmp_path, text, {"policies/bad.json": SCP})
    bad = f"{tmp_path}/policies/bad.json"
    assert found == [
        f"{bad}:6: Statement.0.Principal: an SCP cannot have Principal: it applies to the principals it is attached to [policies.bad.document]",
        f"{bad}:7: Statement.0.Action.0: unknown action 's3:GetObjectt' (did you mean 's3:GetObject'?) [policies.bad.document]",
        f"{bad}:7: Statement.0.Action.1: unknown service prefix 's4' [policies.bad.document]",
    ]


def test_inline_policies_of_groups_and_roles_are_linted(tmp_path):
    identity = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ce:Gte*", "Resource": "*"}]})
    text = BASE + "management_baseline:\n  groups:\n    Ops: {inline_policies: [policies/ops.json]}\n"
    text += "member_roles:\n  catalogue:\n    Data: {inline_policies: [policies/ops.json], targets: [Root]}\n"
    found = problems(tmp_path, text, {"policies/ops.json": identity})
    ops = f"{tmp_path}/policies/ops.json"
    assert found == [
        f"{ops}:1: Statement.0.Action: 'ce:Gte*' matches no ce action [management_baseline.groups.Ops.inline_policies.0]",
        f"{ops}:1: Statement.0.Action: 'ce:Gte*' matches no ce action [member_roles.catalogue.Data.inline_policies.0]",
    ]


def test_a_group_file_named_like_the_switch_roles_policy_is_refused(tmp_path):
    identity = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]})
    text = BASE + "management_baseline:\n  groups:\n    Ops: {inline_policies: [policies/switch-roles.json]}\n"
    assert problems(tmp_path, text, {"policies/switch-roles.json": identity}) == [
        "org.yaml:9: management_baseline.groups.Ops.inline_policies.0: 'policies/switch-roles.json' and 'the policy orgboot writes"
        " for the group's grants' would both be the inline policy 'switch-roles'; rename one file"
    ]


OPT_OUT = """{
  "services": {
    "default": {
      "opt_out_policy": {"@@assign": "optOut"}
    }
  }
}
"""


def test_an_ai_opt_out_child_policies_can_override_is_a_warning_at_its_line(tmp_path):
    # Issue 23, point 10 (CIS scanners flag it): valid, so load_spec passes; the warning rule names
    # the file, line and key, and what to add (orgboot/policy/lint.py, advise).
    text = BASE.replace("[SERVICE_CONTROL_POLICY]", "[SERVICE_CONTROL_POLICY, AISERVICES_OPT_OUT_POLICY]")
    text += "policies:\n  ai-opt-out: {type: AISERVICES_OPT_OUT_POLICY, document: policies/ai-opt-out.json, targets: [Root]}\n"
    path = write(tmp_path, text, {"policies/ai-opt-out.json": OPT_OUT})
    spec = load_spec(path)
    read = read_spec(path)
    assert [str(read.locate(problem)) for problem in organization_policies_follow_advice(spec)] == [
        f"{tmp_path}/policies/ai-opt-out.json:4: services.default.opt_out_policy: policies attached to OUs or accounts below can"
        ' override this opt-out (every operator is allowed by default): add "@@operators_allowed_for_child_policies": ["@@none"]'
        ' beside "@@assign": "optOut" to lock it in [policies.ai-opt-out.document]'
    ]
    locked = OPT_OUT.replace('{"@@assign"', '{"@@operators_allowed_for_child_policies": ["@@none"], "@@assign"')
    path = write(tmp_path, text, {"policies/ai-opt-out.json": locked})
    assert list(organization_policies_follow_advice(load_spec(path))) == []
