"""Partner lists (a market's vendors, a fishery office's fishermen, a regency's honorary
staff, a health-insurance extract): import with column guessing, identity normalisation."""
