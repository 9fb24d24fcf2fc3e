"""orgboot: an AWS Organization bootstrapper. This package is pure Python: no CDK import."""

__version__ = "0.11.0"
