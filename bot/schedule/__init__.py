"""The scheduler: plan posts into the outbox, compose and send what is due, exactly once."""
