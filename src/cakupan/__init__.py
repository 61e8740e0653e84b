"""cakupan: employment social-security coverage for BPJS Ketenagakerjaan and its partners."""

__version__ = "0.1.0"
