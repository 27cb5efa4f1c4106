"""What replies say: HTML texts and keyboards per feature, plain functions of values.

Imports telegram, text and model; never storage or the scheduler (docs/architecture.md)."""
