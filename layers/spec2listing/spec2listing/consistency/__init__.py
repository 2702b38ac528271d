"""Checks that hold images and copy to what the spec and the copy promise."""
