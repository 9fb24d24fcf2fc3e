"""Every list AWS returns may be paged (moto pages Organizations at 20): read all pages, always."""

from typing import Any


def all_items(client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
    """Every item under `key` of every page of `operation`."""
    return [item for page in client.get_paginator(operation).paginate(**kwargs) for item in page[key]]
