"""One domain function per state of the listing pipeline; handlers call these."""
