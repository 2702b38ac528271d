"""Adapters for the bucket, the table and the event bus, with in-memory twins for tests."""
