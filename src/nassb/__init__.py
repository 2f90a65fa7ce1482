"""nassb: an open workbench for all-solid-state sodium batteries."""

__version__ = "0.1.0"
