"""Identity numbers and names of people."""

from cakupan.identity.nik import NikInfo, clean_nik, is_mangled, parse_nik, validate_nik_frame

__all__ = ["NikInfo", "clean_nik", "is_mangled", "parse_nik", "validate_nik_frame"]
