"""What tests and benchmarks drive the bot with, never shipped: the fake Bot API with its
faults (in-process and over HTTP), the bot as a process, generated networks."""
