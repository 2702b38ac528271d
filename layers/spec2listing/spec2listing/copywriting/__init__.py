"""Listing copy: platform rules and the offline copywriter."""
