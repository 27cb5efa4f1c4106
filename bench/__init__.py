"""Benchmarks for partnerbot: `make bench` runs them all; each writes into bench/README.md."""
