"""Where orgboot deploys. Organizations and IAM are global services homed in us-east-1, and
billing metrics (AWS/Billing EstimatedCharges) exist only there (CloudWatch User Guide, "Create a
billing alarm")."""

HOME_REGION = "us-east-1"
# The partition HOME_REGION is in: every ARN orgboot writes itself uses it. orgboot deploys to the
# commercial partition only (aws-cn and aws-us-gov home Organizations in other regions).
PARTITION = "aws"
