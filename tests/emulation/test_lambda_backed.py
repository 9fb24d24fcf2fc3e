"""Custom resources backed by inline function code: the emulator runs the code and takes its
answer as CloudFormation does."""

import textwrap

import pytest

from orgboot.emulator import EmulationError, Engine, emulated_aws, management


def template(code: str, timeout: int = 3, **properties) -> dict:
    return {
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
                    }
                },
            },
            "Function": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Code": {"ZipFile": textwrap.dedent(code)},
                    "Handler": "index.handler",
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                    "Runtime": "python3.13",
                    "Timeout": timeout,
                },
            },
            "Thing": {"Type": "Custom::Thing", "Properties": {"ServiceToken": {"Fn::GetAtt": ["Function", "Arn"]}, **properties}},
        }
    }


def deploy(*templates: dict) -> Engine:
    with emulated_aws():
        engine = Engine()
        for each in templates:
            engine.deploy("Stack", each, management())
        return engine


ANSWERS = """
import cfnresponse
def handler(event, context):
    cfnresponse.send(event, context, cfnresponse.SUCCESS, {"Seen": event["ResourceProperties"]["Value"]}, "thing")
"""


def test_the_answer_gives_the_physical_id_and_attributes():
    engine = deploy(template(ANSWERS, Value="one"))
    thing = engine.stacks[("123456789012", "Stack")].resources["Thing"]
    assert (thing.physical_id, thing.attributes["Seen"]) == ("thing", "one")


def test_an_answer_sent_before_a_crash_counts():
    deploy(template(ANSWERS + "    raise RuntimeError('after the answer')\n", Value="one"))


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("import time\ndef handler(event, context):\n    while True:\n        time.sleep(1)\n", r"timed out after 3 s without answering"),
        ("import sys\ndef handler(event, context):\n    sys.exit(1)\n", r"failed: SystemExit: 1 without answering"),
        ("def handler(event, context):\n    return None\n", r"returned without answering"),
        ("def other(event, context):\n    return None\n", r"Runtime.HandlerNotFound: index.handler is undefined"),
        (
            "import cfnresponse\ndef handler(event, context):\n    cfnresponse.send(event, context, cfnresponse.FAILED, {}, 'x', reason='no luck')\n",
            r"Received response status \[FAILED\] from custom resource. Message returned: no luck",
        ),
        (
            "import cfnresponse\ndef handler(event, context):\n    cfnresponse.send(event, context, cfnresponse.SUCCESS, {'Big': 'x' * 5000}, 'x')\n",
            r"Response object is too long",
        ),
    ],
)
def test_what_cloudformation_refuses(code, message):
    with pytest.raises(EmulationError, match=r"Stack/Thing \(Custom::Thing\): .*" + message):
        deploy(template(code))


def test_no_physical_id_means_a_new_one_per_invocation():
    """cfnresponse answers with the log stream's name, new with each container: an update is then
    a replacement, which the emulator does not model and refuses."""
    code = "import cfnresponse\ndef handler(event, context):\n    cfnresponse.send(event, context, cfnresponse.SUCCESS, {})\n"
    with pytest.raises(EmulationError, match=r"answered the update with a new physical ID"):
        deploy(template(code, Value="one"), template(code, Value="two"))


ECHO = """
import cfnresponse
def handler(event, context):
    seen = {
        "RequestType": event["RequestType"], "RequestId": event["RequestId"], "AwsRequestId": context.aws_request_id,
        "FunctionName": context.function_name, "FunctionArn": context.invoked_function_arn,
    }
    cfnresponse.send(event, context, cfnresponse.SUCCESS, seen, "thing")
"""


def test_the_event_and_the_context_the_code_gets():
    """What Lambda gives a custom resource's code ("Custom resource request objects"; the Python
    context object: function_name, invoked_function_arn, aws_request_id)."""
    engine = deploy(template(ECHO, Value="one"))
    seen = engine.stacks[("123456789012", "Stack")].resources["Thing"].attributes
    function = engine.stacks[("123456789012", "Stack")].resources["Function"]
    assert seen["RequestType"] == "Create"
    assert seen["AwsRequestId"] == seen["RequestId"]
    assert (seen["FunctionArn"], seen["FunctionName"]) == (function.attributes["Arn"], function.physical_id)
    updated = deploy(template(ECHO, Value="one"), template(ECHO, Value="two"))
    assert updated.stacks[("123456789012", "Stack")].resources["Thing"].attributes["RequestType"] == "Update"


def test_a_named_function_keeps_its_name():
    named = template(ANSWERS, Value="one")
    named["Resources"]["Function"]["Properties"]["FunctionName"] = "thing-maker"
    function = deploy(named).stacks[("123456789012", "Stack")].resources["Function"]
    assert function.physical_id == "thing-maker"
    assert function.attributes["Arn"] == "arn:aws:lambda:us-east-1:123456789012:function:thing-maker"


def test_inline_code_is_index_py():
    """Inline code (Code.ZipFile) is saved as index.py, so the handler must be index.<function>."""
    elsewhere = template(ANSWERS, Value="one")
    elsewhere["Resources"]["Function"]["Properties"]["Handler"] = "app.handler"
    with pytest.raises(EmulationError, match=r"Handler 'app.handler' must be index.<function> for inline code"):
        deploy(elsewhere)


LISTS_ALIASES_ONCE = """
import boto3
import cfnresponse
def handler(event, context):
    try:
        boto3.client("iam").list_account_aliases()
    except Exception as error:
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, "thing", reason=str(error))
        return
    cfnresponse.send(event, context, cfnresponse.SUCCESS, {}, "thing")
"""

LISTS_ALIASES_AGAIN_AFTER_A_WAIT = """
import time
import boto3
import cfnresponse
from botocore.exceptions import ClientError
def handler(event, context):
    iam = boto3.client("iam")
    try:
        iam.list_account_aliases()
        first = "allowed"
    except ClientError as error:
        first = error.response["Error"]["Code"]
        time.sleep(1)
        iam.list_account_aliases()
    cfnresponse.send(event, context, cfnresponse.SUCCESS, {"First": first}, "thing")
"""


def granted(code: str, **properties) -> dict:
    """`template` whose role a policy of its own allows iam:ListAccountAliases, as CDK grants a
    function (an AWS::IAM::Policy the function waits for)."""
    granted = template(code, **properties)
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListAccountAliases", "Resource": "*"}]}
    granted["Resources"]["Grant"] = {
        "Type": "AWS::IAM::Policy",
        "Properties": {"PolicyName": "grant", "Roles": [{"Ref": "Role"}], "PolicyDocument": document},
    }
    granted["Resources"]["Function"]["DependsOn"] = ["Grant"]
    return granted


def test_a_role_made_by_this_deploy_is_refused_until_iam_propagates_it():
    """IAM is eventually consistent (IAM User Guide, "Changes that I make are not always
    immediately visible"): a function whose role and policy the deploy just created is refused
    at first (orgboot/emulator/iam_propagation.py)."""
    with pytest.raises(
        EmulationError,
        match=r"Stack/Thing \(Custom::Thing\): Received response status \[FAILED\] from custom resource. Message returned: An"
        r" error occurred \(AccessDeniedException\) when calling the ListAccountAliases operation: AccessDenied:"
        r" arn:aws:iam::123456789012:role/\S+ is not authorized to perform ListAccountAliases yet: IAM has not propagated what"
        r" this deploy created for the role \(Grant, Role\)",
    ):
        deploy(granted(LISTS_ALIASES_ONCE, Value="one"))


def test_a_retry_after_a_wait_finds_the_role_propagated_and_a_later_deploy_at_once():
    """Refused on the first call of the deploy that created the role's policy, allowed after a
    wait; time passes between deploys, so the function of a later deploy is allowed at once."""
    first_calls = []
    with emulated_aws():
        engine = Engine()
        for value in ("one", "two"):
            state = engine.deploy("Stack", granted(LISTS_ALIASES_AGAIN_AFTER_A_WAIT, Value=value), management())
            first_calls.append((engine.events[-1].action, state.resources["Thing"].attributes["First"]))
    assert first_calls == [("CREATE", "AccessDeniedException"), ("UPDATE", "allowed")]
