"""Matching partner lists against the participant registry: NIK stage, probabilistic
stage (Splink), decisions with review, outcomes and leads. Pure table logic (Ibis),
except the Splink stage, which runs on its own in-memory DuckDB."""
