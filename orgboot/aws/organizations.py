"""Names AWS Organizations gives things."""

# The role AWS creates in every account it creates, trusted by the management account
# (CreateAccount API reference, RoleName).
ACCESS_ROLE = "OrganizationAccountAccessRole"
ROOT = "Root"  # how org.yaml (and this tool) names the organization root
