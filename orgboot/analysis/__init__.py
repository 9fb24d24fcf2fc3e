"""Pure computations on a spec or on state read from AWS: who can reach what, what changed."""
