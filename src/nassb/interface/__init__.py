"""Interfaces of a cell: chemical compatibility of every solid contact (``compatibility``)."""
