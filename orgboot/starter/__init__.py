"""The files `orgboot init` writes into a new organization's repository (package data, no code)."""
