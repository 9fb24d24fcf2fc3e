"""Reads what AWS holds (the emulator or a real organization) through boto3, every list
paginated: the organization tree, the management-account baseline, the roles in member accounts.
No spec involved: this is the independent view the tests and reports compare with the spec."""
