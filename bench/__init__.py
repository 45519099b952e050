"""Chain City's benchmarks: `make bench` (``python -m bench``) runs every figure, prints one
table and writes ``bench/results/<date>.json``; BENCHMARKS.md explains each figure."""
