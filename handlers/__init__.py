"""The handlers: one module per feature, each with a `register(application)`."""
