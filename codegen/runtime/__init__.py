"""Modules copied as they are into the generated package."""
