"""Pydantic models of specs, copy, image jobs, reports, records and task payloads."""
