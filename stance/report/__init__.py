"""Rendering results: figures and tables."""
