"""Reading uploads: any supported file format in, validated product specs out."""

from spec2listing.intake.parse import ParsedUpload, Rejection, SpecCandidate, parse_upload

__all__ = ["ParsedUpload", "Rejection", "SpecCandidate", "parse_upload"]
