"""Rendering only: data in, text out (the terminal with rich). Reports never read AWS."""
