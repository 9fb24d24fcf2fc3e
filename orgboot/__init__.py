"""orgboot: an AWS Organization bootstrapper. This package is pure Python: no CDK import."""
