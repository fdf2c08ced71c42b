"""Story clustering and update triage benchmark (docs/benchmarks.md, "Story clustering")."""
