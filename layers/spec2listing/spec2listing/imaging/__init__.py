"""Image planning, offline rendering and pixel measurements."""
