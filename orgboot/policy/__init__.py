"""Policy documents as data: pure functions that build IAM and organization policy documents,
tested without synthesis. (The evaluator, lint and guardrails live here too.)"""
