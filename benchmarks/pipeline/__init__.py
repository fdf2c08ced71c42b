"""The pipeline benchmark: a generated multi-outlet news site and whole-cycle measurements."""
