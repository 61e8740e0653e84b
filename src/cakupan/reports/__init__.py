"""Reports: formatting, tables in several formats, and narrative briefs."""
