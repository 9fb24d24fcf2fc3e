"""AWS facts as data, each with its source: policy types, quotas and formats, managed policies,
regions and the names AWS gives things. One owner per fact; nothing here calls AWS."""
