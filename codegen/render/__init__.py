"""Rendering the intermediate model into files: one module per kind of output."""
