"""The one oracle framework every department runs: source → validate → hash → batch → sign →
send (pipelined) → confirm → checkpoint, idempotent on (department, source record id)."""
